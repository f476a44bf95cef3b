package io.carbongovernor.carbon;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the Electricity Maps source asks: API version, emission factor, and optionally coordinates
 * instead of a zone key.
 */
public record ElectricityMapsOptions(
    ElectricityMapsOptions.Version version,
    ElectricityMapsOptions.EmissionFactor emissionFactor,
    Optional<Coordinates> coordinates) {

  /** API version; v3 is in legacy mode but still served, v4 is current. */
  public enum Version {
    V3,
    V4;

    String path() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code direct} (operational, at the stack) or {@code lifecycle} (the API's default). */
  public enum EmissionFactor {
    DIRECT,
    LIFECYCLE;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A point; the API maps it to a zone (never to the caller's IP location). */
  public record Coordinates(double latitude, double longitude) {
    public Coordinates {
      if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
        throw new IllegalArgumentException(
            "coordinates out of range: latitude " + latitude + ", longitude " + longitude);
      }
    }
  }

  public ElectricityMapsOptions {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(emissionFactor, "emissionFactor");
    Objects.requireNonNull(coordinates, "coordinates");
  }

  /** v3, direct, by zone. */
  public static ElectricityMapsOptions defaults() {
    return new ElectricityMapsOptions(Version.V3, EmissionFactor.DIRECT, Optional.empty());
  }
}
