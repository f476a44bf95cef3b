package io.carbongovernor.daemon.queue.launch;

/**
 * Starts a submitted job's command as its submitter, at most once per job id. Implementations:
 * {@code systemd-run} (a transient unit named after the job) where systemd runs the host, a
 * privilege-dropping launcher ({@code setpriv}) elsewhere.
 */
public interface JobLauncher {

  /**
   * Starts the job unless a start of the same job id was already made, by this daemon or an
   * earlier one (a marker created with O_EXCL before the command runs decides).
   *
   * @throws LaunchException when the job could not be started; nothing of it runs then
   */
  Launched launch(LaunchSpec spec) throws LaunchException;

  /**
   * Whether a start of this job id was made (its marker exists): after a crash between recording
   * "starting" and hearing back, this tells a restart whether to launch again.
   */
  boolean wasLaunched(String jobId);

  /** What the launcher is, for logs and {@code status}: "systemd-run" or "setpriv". */
  String kind();
}
