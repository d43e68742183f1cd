package dev.mldeploy.testsupport;

import dev.mldeploy.aws.AwsEnvironment;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provides an {@link AwsEndpoint} to integration tests, in this order:
 * <ol>
 *   <li>{@code AWS_ENDPOINT_URL}, when set (reset and result queues work when it is a moto server);</li>
 *   <li>a moto server started with {@code python3 -m moto.server} on 127.0.0.1 and a free port (moto is installed
 *       with pip only if missing), shared by every test class of the run and stopped at its end;</li>
 *   <li>LocalStack through Testcontainers when a Docker engine runs;</li>
 *   <li>otherwise the tests are skipped, or, with {@code CI=true}, fail.</li>
 * </ol>
 * State is reset before each test. Inject the endpoint as a test or lifecycle method parameter of type
 * {@link AwsEndpoint}, or call {@link #endpoint()} on a {@code @RegisterExtension} field.
 */
public final class AwsEndpointExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final Logger LOG = LoggerFactory.getLogger(AwsEndpointExtension.class);
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(AwsEndpointExtension.class);
    private static final String KEY = "endpoint";

    private volatile AwsEndpoint endpoint;

    @Override
    public void beforeAll(ExtensionContext context) {
        endpoint = resolve(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (endpoint == null) {
            endpoint = resolve(context);
        }
        endpoint.reset();
    }

    /** The endpoint, once the extension ran {@code beforeAll}. */
    public AwsEndpoint endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("the AWS endpoint is not ready before beforeAll");
        }
        return endpoint;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == AwsEndpoint.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (endpoint == null) {
            endpoint = resolve(extensionContext);
        }
        return endpoint;
    }

    private static AwsEndpoint resolve(ExtensionContext context) {
        // one endpoint for the whole run, closed when the root context closes
        Object stored = context.getRoot().getStore(NS).getOrComputeIfAbsent(KEY, k -> Resolved.create(),
                Object.class);
        Resolved resolved = (Resolved) stored;
        if (resolved.endpoint == null) {
            String why = resolved.problem;
            if (Boolean.parseBoolean(System.getenv("CI"))) {
                throw new IllegalStateException("no AWS-compatible endpoint (CI=true makes this a failure): " + why);
            }
            Assumptions.abort("no AWS-compatible endpoint: " + why);
        }
        return resolved.endpoint;
    }

    /** The endpoint chosen for the run, closed with the root context. */
    private static final class Resolved implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final AwsEndpoint endpoint;
        private final String problem;
        private final AutoCloseable owned;

        private Resolved(AwsEndpoint endpoint, String problem, AutoCloseable owned) {
            this.endpoint = endpoint;
            this.problem = problem;
            this.owned = owned;
        }

        static Resolved create() {
            String url = System.getenv(AwsEnvironment.ENDPOINT_URL);
            if (url != null && !url.isBlank()) {
                URI uri = URI.create(url.trim());
                MotoServer moto = MotoServer.isMoto(uri) ? MotoServer.attach(uri) : null;
                LOG.info("integration tests use AWS_ENDPOINT_URL {} ({})", uri, moto != null ? "moto" : "not moto");
                return new Resolved(new MotoEndpoint(moto, uri, AwsEndpoint.Kind.EXTERNAL), null, null);
            }
            String motoProblem;
            try {
                MotoServer moto = MotoServer.start();
                return new Resolved(new MotoEndpoint(moto, moto.endpoint(), AwsEndpoint.Kind.MOTO), null, moto);
            } catch (IllegalStateException e) {
                motoProblem = e.getMessage();
                LOG.warn("cannot start moto: {}", motoProblem);
            }
            try {
                LocalStackEndpoint ls = LocalStackEndpoint.startIfDockerAvailable();
                if (ls != null) {
                    return new Resolved(ls, null, ls);
                }
                return new Resolved(null, "moto: " + motoProblem + "; LocalStack: no Docker engine", null);
            } catch (RuntimeException | LinkageError e) {
                return new Resolved(null, "moto: " + motoProblem + "; LocalStack: " + e, null);
            }
        }

        @Override
        public void close() throws Exception {
            if (owned != null) {
                owned.close();
            }
        }
    }

    /** moto, started here or named by AWS_ENDPOINT_URL. */
    private static final class MotoEndpoint implements AwsEndpoint {
        private final MotoServer moto;
        private final URI uri;
        private final Kind kind;

        MotoEndpoint(MotoServer moto, URI uri, Kind kind) {
            this.moto = moto;
            this.uri = uri;
            this.kind = kind;
        }

        @Override
        public URI endpoint() {
            return uri;
        }

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public boolean supports(String service) {
            return moto != null || kind == Kind.EXTERNAL;
        }

        @Override
        public void assumeSupports(String service) {
            Assumptions.assumeTrue(supports(service), () -> "the endpoint at " + uri + " lacks " + service);
        }

        @Override
        public void reset() {
            if (moto != null) {
                moto.reset();
            }
        }

        @Override
        public void queueSageMakerResults(List<Map<String, String>> results) {
            requireMoto("queueing SageMaker results").queueSageMakerResults(results, region());
        }

        @Override
        public void queueLambdaResults(List<String> results) {
            requireMoto("queueing Lambda results").queueLambdaResults(results, region());
        }

        private MotoServer requireMoto(String what) {
            Assumptions.assumeTrue(moto != null, () -> what + " needs a moto server; " + uri + " is not one");
            return moto;
        }
    }

    /** Services LocalStack's free edition lacks. */
    static final Set<String> LOCALSTACK_MISSING = Set.of("sagemaker", "sagemakerruntime", "applicationautoscaling",
            "application-autoscaling");
}
