"""Without a daemon, the job and both callbacks train on as no-ops with one warning."""

import os
import unittest
import warnings

import carbon_governor

from .support import client_without_daemon, governor_warnings


class JobWithoutDaemonTest(unittest.TestCase):
    def test_a_whole_run_warns_once_and_keeps_its_own_batch_size(self) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with carbon_governor.job("resnet", gpus=["GPU-5a5a0000-0000-4000-8000-000000000000"], batch_size=64,
                                     client=client_without_daemon()) as job:
                self.assertFalse(job.active)
                self.assertEqual(job.batch_size, 64)
                for epoch in range(1, 4):
                    self.assertIsNone(job.progress(samples_done=epoch * 640, epoch=epoch, metric=("val_loss", 0.5)))
                    self.assertIsNone(job.advice())
                self.assertFalse(job.should_stop)
        messages = governor_warnings(caught)
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("cannot reach the daemon", messages[0])
        self.assertIsNone(job.outcome)
        self.assertEqual(job.epoch, 3)

    def test_without_gpus_to_name_it_warns_once_and_trains_on(self) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            saved = os.environ.pop("CUDA_VISIBLE_DEVICES", None)
            try:
                with carbon_governor.job("resnet", client=client_without_daemon()) as job:
                    job.progress(iterations_done=1)
            finally:
                if saved is not None:
                    os.environ["CUDA_VISIBLE_DEVICES"] = saved
        messages = governor_warnings(caught)
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("pass gpus=", messages[0])

    def test_progress_takes_exactly_one_kind_of_work(self) -> None:
        job = carbon_governor.job("x", gpus=[0], client=client_without_daemon())
        with self.assertRaisesRegex(ValueError, "exactly one"):
            job.progress(samples_done=1, iterations_done=1)
        with self.assertRaisesRegex(ValueError, "exactly one"):
            job.progress()

    def test_an_exception_in_the_block_is_never_swallowed(self) -> None:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            with self.assertRaisesRegex(RuntimeError, "out of memory"):
                with carbon_governor.job("x", gpus=[0], client=client_without_daemon()):
                    raise RuntimeError("out of memory")


class CallbacksWithoutDaemonTest(unittest.TestCase):
    def test_lightning_trains_every_epoch_with_one_warning(self) -> None:
        from carbon_governor.lightning import CarbonGovernorCallback

        from trainers import DataModule, LightningTrainer, Module

        callback = CarbonGovernorCallback("mlp", count="samples", client=client_without_daemon())
        trainer = LightningTrainer([callback], max_epochs=4)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trainer.fit(Module(), DataModule(samples=100, batch_size=32))
        self.assertEqual(len(governor_warnings(caught)), 1, governor_warnings(caught))
        self.assertEqual(trainer.current_epoch, 4)
        self.assertFalse(trainer.should_stop)
        self.assertEqual(trainer.loader_batch_sizes, [32])

    def test_hugging_face_trains_every_epoch_with_one_warning(self) -> None:
        from carbon_governor.huggingface import CarbonGovernorTrainerCallback
        from transformers import TrainingArguments

        from trainers import HuggingFaceTrainer

        callback = CarbonGovernorTrainerCallback("bert", client=client_without_daemon())
        trainer = HuggingFaceTrainer(TrainingArguments(per_device_train_batch_size=16, num_train_epochs=3),
                                     [callback], samples=64, evaluate=lambda epoch: {"eval_loss": 1.0 / (epoch + 1)})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trainer.train()
        self.assertEqual(len(governor_warnings(caught)), 1, governor_warnings(caught))
        self.assertEqual(trainer.epochs_run, 3)
        self.assertEqual(trainer.state.global_step, trainer.state.max_steps)


if __name__ == "__main__":
    unittest.main()
