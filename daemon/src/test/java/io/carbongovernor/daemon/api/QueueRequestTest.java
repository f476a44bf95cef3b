package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carbongovernor.daemon.queue.GpuRequest;
import io.carbongovernor.daemon.queue.SubmitRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

/** The body of {@code POST /v1/queue}: what the queue is handed, and every field a hostile caller can get wrong. */
class QueueRequestTest {

  private static final String WHOLE = """
      {"name": "train", "team": "vision", "deadline": "2026-12-08T07:00:00+01:00", "expected": 21600,
       "gpus": {"indices": [0, 1]}, "workdir": "/home/ana/run/../exp", "log": "/home/ana/exp.log",
       "command": ["python3", "train.py", "--epochs", "3"], "env": {"WANDB_MODE": "offline", "EMPTY": ""}}
      """;

  private static ObjectNode body(String json) {
    return (ObjectNode) Exchange.JSON.readTree(json);
  }

  private static SubmitRequest request(String json) {
    return QueueApi.request(body(json));
  }

  private static String refusal(String json) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> request(json));
    assertThat(e).as("refused: %s", json).isNotNull();
    assertThat(e.status()).isEqualTo(400);
    return e.getMessage();
  }

  @Test
  void everyFieldReachesTheQueue() {
    assertThat(request(WHOLE)).isEqualTo(new SubmitRequest("train", Optional.of("vision"),
        Optional.of(Instant.parse("2026-12-08T06:00:00Z")), Optional.of(Duration.ofHours(6)),
        new GpuRequest.Named(List.of("0", "1")), Path.of("/home/ana/exp"), Optional.of(Path.of("/home/ana/exp.log")),
        List.of("python3", "train.py", "--epochs", "3"), Map.of("WANDB_MODE", "offline", "EMPTY", "")));
  }

  @Test
  void onlyTheNameTheWorkdirAndTheCommandAreRequired() {
    assertThat(request("{\"name\": \"t\", \"workdir\": \"/tmp\", \"command\": [\"true\"]}")).isEqualTo(
        new SubmitRequest("t", Optional.empty(), Optional.empty(), Optional.empty(), new GpuRequest.None(),
            Path.of("/tmp"), Optional.empty(), List.of("true"), Map.of()));
  }

  @Test
  void gpusByUuidOrByCount() {
    String base = "{\"name\": \"t\", \"workdir\": \"/tmp\", \"command\": [\"true\"], \"gpus\": ";
    assertThat(request(base + "{\"uuids\": [\"GPU-5a5a0000-0000-4000-8000-000000000000\"]}}").gpus())
        .isEqualTo(new GpuRequest.Named(List.of("GPU-5a5a0000-0000-4000-8000-000000000000")));
    assertThat(request(base + "{\"count\": 2}}").gpus()).isEqualTo(new GpuRequest.Count(2));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      "user": "root"                              | unknown field 'user'
      "uid": 0                                    | unknown field 'uid'
      "deadline": "2026-12-08T06:00"              | field 'deadline' must be an RFC 3339 time with an offset
      "deadline": 1765173600                      | field 'deadline' must be a string
      "expected": 0                               | field 'expected' must be whole seconds from 1 to 31622400
      "expected": "6h"                            | field 'expected' must be a whole number >= 0
      "expected": 1.5                             | field 'expected' must be a whole number >= 0
      "gpus": {"count": 0}                        | field 'count' must be above 0
      "gpus": {"count": 65}                       | field 'count' of 'gpus' must be from 1 to 64
      "gpus": {"count": 1, "indices": [0]}        | field 'gpus' must hold exactly one of indices, uuids or count
      "gpus": {}                                  | field 'gpus' must hold exactly one of indices, uuids or count
      "gpus": {"all": true}                       | unknown field 'all' (known: count, indices, uuids)
      "gpus": {"indices": [-1]}                   | field 'indices' of 'gpus' holds a GPU index
      "gpus": {"indices": [0, 0]}                 | field 'gpus' names a GPU twice
      "gpus": {"uuids": ["../../etc"]}            | field 'uuids' of 'gpus' holds GPU UUIDs like
      "gpus": [0]                                 | field 'gpus' must be an object
      "log": "exp.log"                            | field 'log' must be an absolute path, got 'exp.log'
      "env": {"HOME": "/root"}                    | field 'env': HOME is set by the daemon for every job
      "env": {"CUDA_VISIBLE_DEVICES": "0,1,2,3"}  | field 'env': CUDA_VISIBLE_DEVICES is set by the daemon
      "env": {"A=B": "c"}                         | field 'env': 'A=B' is not a variable name
      "env": {"PATH": 1}                          | field 'env': the value of PATH must be a string without NUL
      "env": {"X": "a\\u0000b"}                   | field 'env': the value of X must be a string without NUL
      "team": "\\u0000"                           | field 'team' must not be blank or hold a NUL character
      """)
  void aBadFieldIsRefusedAndNamed(String field, String reason) {
    String json = "{\"name\": \"t\", \"workdir\": \"/tmp\", \"command\": [\"true\"], " + field + "}";
    assertThat(refusal(json)).startsWith(reason);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {"workdir": "/tmp", "command": ["true"]}                  | field 'name' is required
      {"name": "t", "command": ["true"]}                        | field 'workdir' is required
      {"name": "t", "workdir": "run", "command": ["true"]}      | field 'workdir' must be an absolute path
      {"name": "t", "workdir": "/tmp"}                          | field 'command' is required
      {"name": "t", "workdir": "/tmp", "command": []}           | field 'command' must be a list of 1 to 4096 strings
      {"name": "t", "workdir": "/tmp", "command": "rm -rf /"}   | field 'command' must be a list of 1 to 4096 strings
      {"name": "t", "workdir": "/tmp", "command": [""]}         | field 'command' must start with a program
      {"name": "t", "workdir": "/tmp", "command": ["a", 1]}     | field 'command' must hold strings without NUL
      {"name": "t", "workdir": "/tmp", "command": ["a\\u0000"]} | field 'command' must hold strings without NUL
      {"name": " ", "workdir": "/tmp", "command": ["true"]}     | field 'name' must not be blank
      """)
  void aMissingOrMalformedRequiredFieldIsRefused(String json, String reason) {
    assertThat(refusal(json)).startsWith(reason);
  }

  @Test
  void tooManyArgumentsAreRefused() {
    String many = String.join(",", java.util.Collections.nCopies(QueueApi.MAX_ARGUMENTS + 1, "\"a\""));
    assertThat(refusal("{\"name\": \"t\", \"workdir\": \"/tmp\", \"command\": [" + many + "]}"))
        .startsWith("field 'command' must be a list of 1 to 4096 strings");
  }
}
