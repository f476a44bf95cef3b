package io.carbongovernor.daemon.teams;

import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.identity.UnixUser;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which team a user belongs to. A team that lists the user by name wins; otherwise the first
 * team, by name, that lists one of the user's groups. Config validation already refuses a user
 * or group listed by two teams, so only a user whose groups belong to different teams needs the
 * name order.
 */
public final class TeamDirectory {

  private final List<TeamConfig> teams;

  private TeamDirectory(List<TeamConfig> teams) {
    this.teams = teams.stream().sorted(Comparator.comparing(TeamConfig::name)).toList();
  }

  public static TeamDirectory of(List<TeamConfig> teams) {
    return new TeamDirectory(teams);
  }

  public Optional<TeamConfig> teamOf(UnixUser user) {
    return teamOf(user.name(), user.groups());
  }

  /** The team of a user and groups by name (a simulated account has no uid). */
  public Optional<TeamConfig> teamOf(String user, Collection<String> groups) {
    return teams.stream()
        .filter(t -> t.users().contains(user))
        .findFirst()
        .or(
            () ->
                teams.stream()
                    .filter(t -> t.groups().stream().anyMatch(groups::contains))
                    .findFirst());
  }

  public Optional<TeamConfig> team(String name) {
    return teams.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public List<TeamConfig> teams() {
    return teams;
  }
}
