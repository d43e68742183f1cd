package dev.mldeploy.lambda.internal;

import dev.mldeploy.ConflictException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.aws.AwsErrors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;

/**
 * Lambda's own error answers on top of {@link AwsErrors} (which translates what every service shares): a role not
 * assumable yet, a refused RevisionId or CodeSha256, and the conflict message a deploy reports. Stateless.
 */
public final class LambdaErrors {
    /** What a conflict message says, so a caller knows to wait and retry. */
    static final String ANOTHER_DEPLOY = "another deploy of this name is running (or ran meanwhile)";

    private LambdaErrors() {
    }

    /** Lambda's answer while a new role has not propagated yet. */
    public static boolean isRoleNotAssumable(Throwable e) {
        return e instanceof InvalidParameterValueException ipv && ipv.getMessage() != null
                && ipv.getMessage().contains("cannot be assumed");
    }

    /** A 404 from any service (ResourceNotFound, NoSuchEntity, NoSuchKey, ...). */
    public static boolean isNotFound(Throwable e) {
        return AwsErrors.isNotFound(e);
    }

    /** Lambda refused a RevisionId or CodeSha256 that no longer matches: someone changed the function meanwhile. */
    public static boolean isPreconditionFailed(Throwable e) {
        return e instanceof PreconditionFailedException
                || e instanceof AwsServiceException ase && "PreconditionFailedException".equals(AwsErrors.code(ase))
                || e instanceof InvalidParameterValueException ipv && ipv.getMessage() != null
                && ipv.getMessage().contains("CodeSha256");
    }

    /** A 409: the name is taken (CreateFunction, CreateAlias) or an update is in progress. */
    public static boolean isConflict(Throwable e) {
        return e instanceof AwsServiceException ase && (ase.statusCode() == 409
                || "ResourceConflictException".equals(code(ase)) || "EntityAlreadyExists".equals(code(ase)));
    }

    /** The SDK gave up because the call's or an attempt's time budget ran out. */
    public static boolean isTimeout(Throwable e) {
        return AwsErrors.isTimeout(e);
    }

    /** The SDK found no credentials in any provider of its chain (no request was sent). */
    public static boolean isMissingCredentials(Throwable e) {
        return AwsErrors.missingConfiguration(e, AwsClients.BUILDER) != null;
    }

    /** The one-line message for missing credentials (or region). */
    public static InvalidConfigurationException missingCredentials(Throwable cause) {
        return AwsErrors.missingConfiguration(cause, AwsClients.BUILDER);
    }

    /** The AWS error code, or the exception's simple name. */
    public static String code(Throwable e) {
        String code = AwsErrors.code(e);
        return code.isEmpty() ? e.getClass().getSimpleName() : code;
    }

    /** The AWS error message without the SDK's request-id suffix. */
    public static String message(Throwable e) {
        return AwsErrors.message(e);
    }

    /** The conflict a deploy reports when it finds another deploy changed the function under it. */
    public static ConflictException conflict(String name, String what, Throwable cause) {
        return new ConflictException(ANOTHER_DEPLOY + ": " + what + " of function " + name + " changed while this "
                + "deploy ran, so it stopped without applying its spec; wait for the other deploy, then deploy again",
                cause);
    }

    /**
     * A call failed: {@code doing} is a phrase ("creating function x"). Refused revisions become
     * {@link ConflictException} with Lambda's advice, timeouts {@link OperationTimeoutException} (the budget is
     * the operation's, so the advice is the operation timeout's), the rest {@link AwsErrors#translate}.
     */
    public static MlDeployException failed(String doing, RuntimeException e) {
        if (e instanceof MlDeployException m) {
            return m;
        }
        if (isTimeout(e)) {
            return new OperationTimeoutException("timed out " + doing + ": AWS did not answer within the time "
                    + "left; raise the timeout (DeployOptions.timeout, --timeout) or check the network and endpoint");
        }
        if (isPreconditionFailed(e)) {
            return new ConflictException(ANOTHER_DEPLOY + ": Lambda refused " + doing + " because the function "
                    + "changed since this deploy read it; wait for the other deploy, then deploy again", e);
        }
        return AwsErrors.translate(doing, e, AwsClients.BUILDER);
    }
}
