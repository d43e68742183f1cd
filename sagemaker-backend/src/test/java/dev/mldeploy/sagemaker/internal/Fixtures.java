package dev.mldeploy.sagemaker.internal;

import static org.mockito.Mockito.RETURNS_DEFAULTS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import dev.mldeploy.ProgressEvent;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.spi.DeployContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.mockito.Mockito;
import org.mockito.invocation.Invocation;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** Shared test helpers: a model directory, SDK client mocks, contexts, AWS errors. */
final class Fixtures {
    static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecution";

    private Fixtures() {
    }

    /**
     * The settings {@code target} hands its internals. Read reflectively: the public target exposes no internal
     * type, and building it through its builder is how the tests state a configuration.
     */
    static SageMakerSettings settings(SageMakerTarget target) {
        try {
            java.lang.reflect.Field f = SageMakerTarget.class.getDeclaredField("settings");
            f.setAccessible(true);
            return (SageMakerSettings) f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("SageMakerTarget no longer keeps its settings in 'settings'", e);
        }
    }

    /** Writes a minimal model (inference.py and a weights file) into {@code dir}. */
    static Path model(Path dir, String weights) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("inference.py"), """
                def model_fn(model_dir):
                    return {"ok": True}


                def predict_fn(data, model):
                    return {"echo": data}
                """);
        Files.writeString(dir.resolve("weights.txt"), weights);
        return dir;
    }

    /**
     * A mock of an SDK client interface whose consumer-builder overloads (default methods) run for real, so they
     * reach the request-object methods a test stubs and verifies.
     */
    static <T> T sdkMock(Class<T> type) {
        return mock(type, withSettings().defaultAnswer(inv -> {
            Class<?>[] p = inv.getMethod().getParameterTypes();
            if (p.length > 0 && Consumer.class.isAssignableFrom(p[0])) {
                return inv.callRealMethod();
            }
            return RETURNS_DEFAULTS.answer(inv);
        }));
    }

    /** The names of the calls made on {@code mock} that change something (create, update, delete, add, put, ...). */
    static List<String> mutatingCalls(Object mock) {
        Set<String> reads = Set.of("describe", "list", "get", "head", "invoke", "service", "close");
        return Mockito.mockingDetails(mock).getInvocations().stream()
                .map(Invocation::getMethod).filter(m -> m.getParameterCount() == 1
                        && !Consumer.class.isAssignableFrom(m.getParameterTypes()[0]))
                .map(java.lang.reflect.Method::getName)
                .filter(n -> reads.stream().noneMatch(r -> n.toLowerCase(Locale.ROOT).startsWith(r)))
                .collect(Collectors.toList());
    }

    static DeployContext context(List<ProgressEvent> events, Duration timeout) {
        return DeployContext.of("m", "sagemaker", events::add, timeout);
    }

    static SageMakerException awsError(int status, String code, String message) {
        return (SageMakerException) SageMakerException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    static SageMakerException notFound(String what) {
        return awsError(400, "ValidationException", "Could not find " + what);
    }
}
