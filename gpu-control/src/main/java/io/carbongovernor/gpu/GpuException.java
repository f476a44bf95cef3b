package io.carbongovernor.gpu;

/**
 * A failed operation on one GPU or on the backend. {@code code} is the backend's name for the
 * failure (NVML's return-code name such as {@code NVML_ERROR_NO_PERMISSION}), so logs say exactly
 * what the driver said.
 */
public final class GpuException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;

  public GpuException(String code, String message) {
    super(message + " (" + code + ")");
    this.code = code;
  }

  public GpuException(String code, String message, Throwable cause) {
    super(message + " (" + code + ")", cause);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
