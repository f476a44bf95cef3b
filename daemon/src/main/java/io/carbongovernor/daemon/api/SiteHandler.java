package io.carbongovernor.daemon.api;

import io.carbongovernor.carbon.SiteCarbonDocument;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The site API's first step: the token, then the path, then the method, each refused at once
 * without a worker's turn; only a {@code GET} or {@code HEAD} of {@link SiteCarbonDocument#PATH}
 * goes on. The token comes first, so that a caller without it learns nothing, not even which
 * paths exist. Request bodies are never read.
 */
final class SiteHandler extends Handler.Wrapper {

  static final String ALLOW = "GET, HEAD";
  private static final String CHALLENGE = "Bearer realm=\"carbon-governor\"";

  private final Optional<BearerToken> token;

  SiteHandler(Optional<BearerToken> token, Handler next) {
    super(next);
    this.token = token;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String method = request.getMethod();
    if (HttpMethod.CONNECT.is(method)) {
      Answers.write(request, response, callback, Answer.error(400, "CONNECT is refused: the site API is no proxy"));
      return true;
    }
    Optional<Answer> refused = token.flatMap(t -> refusal(t.check(request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION))));
    if (refused.isPresent()) {
      Answers.write(request, response, callback, refused.get());
      return true;
    }
    String path = Optional.ofNullable(Request.getPathInContext(request)).orElse("");
    if (!path.equals(SiteCarbonDocument.PATH)) {
      Answers.write(request, response, callback,
          Answer.error(404, "no such endpoint: " + path + "; the site API serves GET " + SiteCarbonDocument.PATH + " alone"));
      return true;
    }
    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
      Answers.write(request, response, callback,
          Answer.error(405, "method " + method + " not allowed here; the site API is read-only: use " + ALLOW)
              .withHeader("Allow", ALLOW));
      return true;
    }
    if (!super.handle(request, response, callback)) {
      Answers.write(request, response, callback, Answer.error(404, "no such endpoint"));
    }
    return true;
  }

  private static Optional<Answer> refusal(BearerToken.Verdict verdict) {
    return switch (verdict) {
      case ACCEPTED -> Optional.empty();
      case MISSING -> Optional.of(Answer.error(401, "a bearer token is required: send Authorization: Bearer <token>")
          .withHeader("WWW-Authenticate", CHALLENGE));
      case WRONG -> Optional.of(Answer.error(401, "the bearer token is not accepted")
          .withHeader("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\""));
    };
  }
}
