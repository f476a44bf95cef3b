package io.carbongovernor.policy.sim;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.policy.ChaseSettings;
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.ForecastSettings.BudgetScope;
import io.carbongovernor.policy.LimitOptions;
import io.carbongovernor.policy.Policies;
import io.carbongovernor.policy.PowerCap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The contenders of a simulation: each policy at one knob, and the sweeps of every knob. */
public final class Contenders {

  /** The policy names {@code simulate --policies} knows. */
  public static final List<String> NAMES = List.of("full-speed", "static", "chase", "forecast", "oracle");

  /** Etas of the chase sweep. */
  public static final double[] ETAS = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1};

  /** Budgets (percent) of the forecast and oracle sweeps. */
  public static final double[] BUDGETS = {0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30};

  private Contenders() {}

  public static Contender fullSpeed() {
    return Contender.of("full-speed", "", 0, Policies.fullSpeed());
  }

  public static Contender staticCap(Power cap) {
    return staticCap(PowerCap.watts(cap));
  }

  /** A static cap; its knob value is watts for a cap in watts, percent for a fractional one. */
  public static Contender staticCap(PowerCap cap) {
    double value = cap instanceof PowerCap.Absolute a ? a.power().watts() : ((PowerCap.FractionOfMax) cap).fraction() * 100;
    return Contender.of("static", "cap=" + cap.toString().replace(" ", ""), value, Policies.staticCap(cap));
  }

  public static Contender chase(ChaseSettings settings) {
    return Contender.of("chase", String.format(Locale.ROOT, "eta=%s", Experiment.percent(settings.eta())),
        settings.eta(), Policies.chase(settings));
  }

  /** {@code forecast} with a per-job budget in percent. */
  public static Contender forecast(double percent) {
    return forecast(percent, BudgetScope.JOB);
  }

  /** {@code forecast} with a budget in percent binding {@code scope}; a team's reads budget=5%/team. */
  public static Contender forecast(double percent, BudgetScope scope) {
    return forecast(percent, scope, ForecastSettings.DEFAULT_WINDOW);
  }

  /**
   * {@code forecast} with a budget in percent binding {@code scope}, a team's held over {@code
   * window}; one other than the default shows in the knob: budget=5%/team/365d.
   */
  public static Contender forecast(double percent, BudgetScope scope, Duration window) {
    return forecast(percent, scope, window, ForecastSettings.DEFAULT_FLOOR_WINDOW);
  }

  /**
   * As {@link #forecast(double, BudgetScope, Duration)}, a team's price floored over {@code
   * floorWindow}; one other than the default shows in the knob: budget=5%/team/floor 56d.
   */
  public static Contender forecast(double percent, BudgetScope scope, Duration window, Duration floorWindow) {
    String knob = "budget=" + Experiment.percent(percent) + "%";
    if (scope != BudgetScope.JOB) {
      knob += "/" + scope.word();
      if (!window.equals(ForecastSettings.DEFAULT_WINDOW)) {
        knob += "/" + window.toDays() + "d";
      }
      if (!floorWindow.equals(ForecastSettings.DEFAULT_FLOOR_WINDOW)) {
        knob += "/floor " + floorWindow.toDays() + "d";
      }
    }
    return Contender.of("forecast", knob, percent, Policies.forecast(
        ForecastSettings.percent(percent).withScope(scope).withWindow(window).withFloorWindow(floorWindow)));
  }

  public static Contender oracle(double percent) {
    return Contender.oracle(percent / 100);
  }

  /**
   * The sweep of one policy's knob: static over every measured limit below full speed, chase over
   * {@link #ETAS}, forecast and the oracle over {@link #BUDGETS}; full speed has no knob.
   */
  public static List<Contender> sweep(String name, LimitOptions options) {
    return sweep(name, options, BudgetScope.JOB);
  }

  /** As {@link #sweep(String, LimitOptions)}, forecast's budget binding {@code forecastScope}. */
  public static List<Contender> sweep(String name, LimitOptions options, BudgetScope forecastScope) {
    return sweep(name, options, forecastScope, ForecastSettings.DEFAULT_WINDOW);
  }

  /** As {@link #sweep(String, LimitOptions, BudgetScope)}, a team's budget held over {@code window}. */
  public static List<Contender> sweep(String name, LimitOptions options, BudgetScope forecastScope,
      Duration window) {
    return sweep(name, options, forecastScope, window, ForecastSettings.DEFAULT_FLOOR_WINDOW);
  }

  /** As {@link #sweep(String, LimitOptions, BudgetScope, Duration)}, a team's price floored over {@code floorWindow}. */
  public static List<Contender> sweep(String name, LimitOptions options, BudgetScope forecastScope,
      Duration window, Duration floorWindow) {
    List<Contender> sweep = new ArrayList<>();
    switch (name) {
      case "full-speed" -> sweep.add(fullSpeed());
      case "static" -> {
        for (int i = options.size() - 1; i >= 0; i--) {
          sweep.add(staticCap(options.limit(i)));
        }
      }
      case "chase" -> {
        for (double eta : ETAS) {
          sweep.add(chase(ChaseSettings.DEFAULTS.withEta(eta)));
        }
      }
      case "forecast" -> {
        for (double b : BUDGETS) {
          sweep.add(forecast(b, forecastScope, window, floorWindow));
        }
      }
      case "oracle" -> {
        for (double b : BUDGETS) {
          sweep.add(oracle(b));
        }
      }
      default -> throw new IllegalArgumentException("unknown policy '" + name + "'; expected one of " + NAMES);
    }
    return sweep;
  }

  /**
   * Chase with an adaptive reference over {@link ChaseSettings#DEFAULT_REFERENCE_WINDOW}: {@code
   * CI_ref} the median intensity seen over the last 30 days, not 750. Its knob reads
   * eta=0.5/adaptive.
   */
  public static Contender chaseAdaptive(double eta) {
    return chaseAdaptive(eta, ChaseSettings.DEFAULT_REFERENCE_WINDOW);
  }

  /** As {@link #chaseAdaptive(double)} over {@code window}; one other than 30 days shows: eta=0.5/adaptive/60d. */
  public static Contender chaseAdaptive(double eta, Duration window) {
    return chaseWithReference(ChaseSettings.DEFAULTS.withEta(eta).withAdaptiveReference(window));
  }

  /**
   * Chase at {@code settings}, its knob naming the reference intensity where it is not Chase's
   * published 750: eta=0.5/adaptive, eta=0.5/adaptive/60d, eta=0.5/ci-ref=400.
   */
  public static Contender chaseWithReference(ChaseSettings settings) {
    String knob = String.format(Locale.ROOT, "eta=%s", Experiment.percent(settings.eta()));
    if (settings.referenceWindow().isPresent()) {
      Duration window = settings.referenceWindow().get();
      knob += "/adaptive";
      if (!window.equals(ChaseSettings.DEFAULT_REFERENCE_WINDOW)) {
        knob += "/" + window.toDays() + "d";
      }
    } else if (!settings.referenceIntensity().equals(ChaseSettings.DEFAULTS.referenceIntensity())) {
      knob += "/ci-ref=" + Experiment.percent(settings.referenceIntensity().gramsPerKwh());
    }
    return Contender.of("chase", knob, settings.eta(), Policies.chase(settings));
  }

  /** Chase at {@code base} over each of {@link #ETAS}, as {@link #chaseWithReference} names them. */
  public static List<Contender> chaseSweep(ChaseSettings base) {
    List<Contender> sweep = new ArrayList<>();
    for (double eta : ETAS) {
      sweep.add(chaseWithReference(base.withEta(eta)));
    }
    return sweep;
  }

  /** Chase with an adaptive reference over {@code window} at each of {@link #ETAS}. */
  public static List<Contender> chaseAdaptiveSweep(Duration window) {
    return chaseSweep(ChaseSettings.DEFAULTS.withAdaptiveReference(window));
  }
}
