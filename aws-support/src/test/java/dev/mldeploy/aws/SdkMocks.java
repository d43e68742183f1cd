package dev.mldeploy.aws;

import static org.mockito.Mockito.RETURNS_DEFAULTS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Mocks of SDK clients whose {@code Consumer<Builder>} overloads build the request and call the stubbed method. */
final class SdkMocks {
    private SdkMocks() {
    }

    static <T> T sdkMock(Class<T> type) {
        return mock(type, withSettings().defaultAnswer(inv -> {
            Class<?>[] p = inv.getMethod().getParameterTypes();
            if (p.length > 0 && Consumer.class.isAssignableFrom(p[0])) {
                return inv.callRealMethod();
            }
            return RETURNS_DEFAULTS.answer(inv);
        }));
    }

    static AwsServiceException awsError(int status, String code, String message) {
        return AwsServiceException.builder().statusCode(status).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode(code).errorMessage(message).build()).message(message).build();
    }
}
