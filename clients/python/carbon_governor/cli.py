"""The command line: ``carbon-governor-client`` or ``python3 -m carbon_governor``.

Prints the daemon's JSON answer and exits 0, or prints {"status": N, "error": reason} on stderr
and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from .client import DEFAULT_SOCKET, Answer, CarbonGovernorClient, CarbonGovernorError
from .gpus import GpuRef


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="carbon-governor-client", description="Carbon Governor job API client")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--socket", help=f"the daemon's Unix socket (default $CARBON_GOVERNOR_SOCKET or {DEFAULT_SOCKET})")
    where.add_argument("--url", help="the daemon's loopback TCP address instead, e.g. http://127.0.0.1:9464")
    sub = parser.add_subparsers(dest="command", required=True)
    reg = sub.add_parser("register", help="register a training process as a job")
    reg.add_argument("--name", required=True)
    reg.add_argument("--gpus", required=True,
                     help="comma-separated indices (as the job sees them, through CUDA_VISIBLE_DEVICES) or UUIDs")
    reg.add_argument("--pid", type=int,
                     help="the training process (default: this command itself, which exits at once: the daemon forgets the job at its next tick)")
    reg.add_argument("--batch-size", type=int)
    reg.add_argument("--accepts-batch-size-changes", action="store_true")
    prog = sub.add_parser("progress", help="report work done so far")
    prog.add_argument("job")
    prog.add_argument("--samples-done", type=int)
    prog.add_argument("--iterations-done", type=int)
    prog.add_argument("--epoch", type=int)
    prog.add_argument("--metric", nargs=2, metavar=("NAME", "VALUE"), help="e.g. --metric val_loss 0.71")
    adv = sub.add_parser("advice", help="the job's current advice")
    adv.add_argument("job")
    fin = sub.add_parser("finish", help="say how the job ended")
    fin.add_argument("job")
    fin.add_argument("--reached-target", action="store_true")
    fin.add_argument("--epochs", type=int)
    sub.add_parser("list", help="your registered jobs (every job, for root)")
    sub.add_parser("status", help="the daemon's status")
    return parser


def _run(args: argparse.Namespace) -> object:
    client = CarbonGovernorClient(url=args.url, socket_path=args.socket)
    if args.command == "register":
        gpus: List[GpuRef] = [int(g) if g.strip().isdigit() else g.strip() for g in args.gpus.split(",")]
        return client.register(args.name, gpus, args.pid, args.batch_size, args.accepts_batch_size_changes)
    if args.command == "progress":
        metric = (args.metric[0], float(args.metric[1])) if args.metric else None
        return client.progress(args.job, args.samples_done, args.iterations_done, args.epoch, metric)
    if args.command == "advice":
        return client.advice(args.job)
    if args.command == "finish":
        return client.finish(args.job, args.reached_target, args.epochs)
    if args.command == "list":
        answer: Answer = {"jobs": client.jobs()}
        return answer
    return client.status()


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        out = _run(args)
    except CarbonGovernorError as e:
        print(json.dumps({"status": e.status, "error": e.reason}), file=sys.stderr)
        return 1
    except ValueError as e:
        print(json.dumps({"status": 0, "error": str(e)}), file=sys.stderr)
        return 1
    print(json.dumps(out))
    return 0
