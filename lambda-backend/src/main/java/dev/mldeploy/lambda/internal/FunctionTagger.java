package dev.mldeploy.lambda.internal;

import dev.mldeploy.aws.CallBudget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

/**
 * Brings an updated function's tags to what this deploy says (mldeploy's own, the bucket its packages are in, the
 * spec's and the target's), removing the tags that no longer apply, so {@code describe}, {@code list} and
 * {@code undeploy} read the truth from any process. Not API.
 */
final class FunctionTagger {
    private final LambdaClient lambda;
    private final boolean createRole;

    FunctionTagger(LambdaClient lambda, boolean createRole) {
        this.lambda = lambda;
        this.createRole = createRole;
    }

    /**
     * @param bucket the bucket this deploy's packages went to, or null when they went directly
     */
    void retag(GetFunctionResponse existing, String name, String hash, String bucket, Map<String, String> userTags,
               CallBudget budget) {
        Map<String, String> want = new HashMap<>(FunctionRequests.functionTags(name, hash, createRole
                || "true".equals(existing.tags().get(Tags.ROLE_CREATED)), bucket, userTags));
        existing.tags().forEach((k, v) -> {
            if (k.equals(Tags.BUCKET) && !want.containsKey(k)) {
                want.put(k, v); // packages uploaded before stay known to undeploy
            }
        });
        List<String> gone = existing.tags().keySet().stream().filter(k -> !want.containsKey(k)).toList();
        String arn = existing.configuration().functionArn();
        if (!gone.isEmpty()) {
            lambda.untagResource(b -> budget.on(b).resource(arn).tagKeys(gone));
        }
        if (!want.equals(existing.tags())) {
            lambda.tagResource(b -> budget.on(b).resource(arn).tags(want));
        }
    }
}
