package io.carbongovernor.daemon.teams;

import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.PolicyConfig;
import io.carbongovernor.daemon.config.TeamConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * The policies in force: the default, the fail-safe and each team's. Swapped whole on reload, so
 * a tick sees either the old set or the new one, never a mix.
 */
public record PolicySet(PolicyConfig defaultPolicy, PolicyConfig failSafe, TeamDirectory teams) {

  public PolicySet {
    Objects.requireNonNull(defaultPolicy, "defaultPolicy");
    Objects.requireNonNull(failSafe, "failSafe");
    Objects.requireNonNull(teams, "teams");
  }

  public static PolicySet of(GovernorConfig config) {
    return new PolicySet(config.defaultPolicy(), config.failSafe(), TeamDirectory.of(config.teams()));
  }

  /** The policy for a team's GPUs; an empty team means the default policy. */
  public PolicyConfig policyOf(Optional<String> team) {
    return team.flatMap(teams::team).map(TeamConfig::policy).orElse(defaultPolicy);
  }
}
