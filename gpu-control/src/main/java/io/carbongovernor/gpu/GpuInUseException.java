package io.carbongovernor.gpu;

/** A GPU that another daemon on this host controls, or whose original another daemon's ledger holds. */
public final class GpuInUseException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String uuid;

  GpuInUseException(String uuid, String holder) {
    super("GPU " + uuid + " is controlled by " + holder + "; one daemon per GPU on a host (invariant 9)");
    this.uuid = uuid;
  }

  public String uuid() {
    return uuid;
  }
}
