package io.carbongovernor.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The endpoints of one provider, as its API answers them; {@link ProviderCarbonSource} turns them
 * into the {@link CarbonSource} contract.
 */
interface Provider {

  String name();

  /** The provider's latest value: the slot it says is current (which may have just ended). */
  CarbonSignal latest(String zone);

  /**
   * The provider's forecast from now, as it answers it: it may include the current slot and
   * reach a little past {@code horizon}.
   */
  List<CarbonSignal> forecastFromNow(String zone, Duration horizon);

  /** Signals overlapping {@code [from, to)}, in time order; null values left out. */
  List<CarbonSignal> history(String zone, Instant from, Instant to);
}
