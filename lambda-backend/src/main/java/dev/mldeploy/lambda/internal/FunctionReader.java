package dev.mldeploy.lambda.internal;

import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.aws.CallBudget;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.ListFunctionsResponse;
import software.amazon.awssdk.services.lambda.model.State;

/** Reads functions back as {@link Deployment}s: only those tagged {@code mldeploy:managed}. Read-only; thread-safe. */
public final class FunctionReader {
    private static final DateTimeFormatter LAMBDA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    private final LambdaClient lambda;
    private final AliasManager aliases;

    public FunctionReader(LambdaClient lambda, AliasManager aliases) {
        this.lambda = lambda;
        this.aliases = aliases;
    }

    /** GetFunction, or empty when there is no such function. */
    public Optional<GetFunctionResponse> get(String function, CallBudget budget) {
        try {
            return Optional.of(lambda.getFunction(b -> budget.on(b).functionName(function)));
        } catch (RuntimeException e) {
            if (LambdaErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw LambdaErrors.failed("reading function " + function, e);
        }
    }

    public static boolean isManaged(GetFunctionResponse f) {
        return f.hasTags() && "true".equals(f.tags().get(Tags.MANAGED));
    }

    /** The deployment named {@code name}, when a function mldeploy made has that name. */
    public Optional<Deployment> describe(String name, CallBudget budget) {
        Optional<GetFunctionResponse> f = get(name, budget);
        if (f.isEmpty() || !isManaged(f.get())) {
            return Optional.empty();
        }
        return Optional.of(toDeployment(f.get(), aliases.alias(name, budget).orElse(null)));
    }

    /** Every function mldeploy made, sorted by name. */
    public List<Deployment> list(CallBudget budget) {
        List<Deployment> out = new ArrayList<>();
        String marker = null;
        try {
            do {
                String m = marker;
                ListFunctionsResponse page = lambda.listFunctions(b -> budget.on(b).marker(m));
                for (FunctionConfiguration c : page.functions()) {
                    Map<String, String> tags = lambda.listTags(b -> budget.on(b).resource(c.functionArn())).tags();
                    if (tags != null && "true".equals(tags.get(Tags.MANAGED))) {
                        describe(c.functionName(), budget).ifPresent(out::add);
                    }
                }
                marker = page.nextMarker();
            } while (marker != null && !marker.isEmpty());
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("listing Lambda functions", e);
        }
        out.sort(Comparator.comparing(Deployment::name));
        return List.copyOf(out);
    }

    /** The deployment for a function and its alias (null when the alias is missing). */
    public static Deployment toDeployment(GetFunctionResponse f, AliasConfiguration alias) {
        FunctionConfiguration c = f.configuration();
        DeploymentStatus status;
        String reason = "";
        if (alias == null) {
            status = c.state() == State.FAILED ? DeploymentStatus.FAILED : DeploymentStatus.CREATING;
            reason = c.state() == State.FAILED ? nonNull(c.stateReason())
                    : "no alias " + LambdaSettings.ALIAS + " yet (a deploy is running, or one failed midway)";
        } else if (c.state() == State.PENDING) {
            status = DeploymentStatus.CREATING;
        } else if (c.state() == State.FAILED) {
            status = DeploymentStatus.FAILED;
            reason = nonNull(c.stateReason());
        } else if (c.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS) {
            status = DeploymentStatus.UPDATING;
        } else {
            status = DeploymentStatus.IN_SERVICE;
            if (c.lastUpdateStatus() == LastUpdateStatus.FAILED) {
                reason = "the last update failed (" + nonNull(c.lastUpdateStatusReason()) + "); alias "
                        + LambdaSettings.ALIAS + " serves version " + alias.functionVersion();
            } else if (c.state() == State.INACTIVE) {
                reason = "inactive; the next invocation wakes it";
            }
        }
        Map<String, String> attrs = new TreeMap<>();
        put(attrs, "functionArn", c.functionArn());
        put(attrs, "runtime", c.runtimeAsString());
        put(attrs, "memoryMb", c.memorySize());
        put(attrs, "timeoutSeconds", c.timeout());
        put(attrs, "codeSha256", c.codeSha256());
        put(attrs, "role", c.role());
        put(attrs, "packageType", c.packageTypeAsString());
        if (c.hasArchitectures() && !c.architecturesAsStrings().isEmpty()) {
            attrs.put("architecture", c.architecturesAsStrings().get(0));
        }
        if (alias != null) {
            put(attrs, "alias", LambdaSettings.ALIAS);
            put(attrs, "aliasArn", alias.aliasArn());
            put(attrs, "version", alias.functionVersion());
        }
        String specHash = alias != null ? Tags.hashFromDescription(alias.description()) : "";
        String variant = "Image".equalsIgnoreCase(c.packageTypeAsString()) ? "image" : "zip";
        Instant modified = parseTime(c.lastModified());
        return new Deployment(c.functionName(), LambdaSettings.NAME, variant, status, reason, specHash,
                alias != null ? alias.aliasArn() : nonNull(c.functionArn()), null, modified, attrs);
    }

    static Instant parseTime(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s, LAMBDA_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static void put(Map<String, String> m, String k, Object v) {
        if (v != null) {
            m.put(k, v.toString());
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
