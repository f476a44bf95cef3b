package io.carbongovernor.gpu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The registered {@link GpuBackend}s, found through {@link ServiceLoader}. */
public final class GpuBackends {

  private GpuBackends() {}

  /** Every registered backend, by name. */
  public static List<GpuBackend> all() {
    List<GpuBackend> found = new ArrayList<>();
    ServiceLoader.load(GpuBackend.class, GpuBackends.class.getClassLoader()).forEach(found::add);
    found.sort(Comparator.comparing(GpuBackend::name));
    return List.copyOf(found);
  }

  /** The backend registered under {@code name}. */
  public static Optional<GpuBackend> named(String name) {
    return all().stream().filter(b -> b.name().equals(name)).findFirst();
  }
}
