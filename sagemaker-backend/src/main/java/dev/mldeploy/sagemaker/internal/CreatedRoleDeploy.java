package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.DeployResult;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.ManagedRole;
import dev.mldeploy.spi.DeployContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * One deploy with the execution role mldeploy creates: checks the plan with a placeholder role first (a bad spec
 * fails before the role exists), finds or makes the role for that plan ({@link RoleManager}), deploys with it, and
 * retries while SageMaker cannot assume a role made moments ago (IAM is eventually consistent: "Could not assume
 * role" for some seconds), within {@link #PROPAGATION} and the deploy's deadline. A first deploy that fails before
 * its endpoint exists removes the role it made and says so. Not thread-safe (one per deploy).
 */
final class CreatedRoleDeploy {
    /** The longest a deploy waits for a new role to become assumable. */
    static final Duration PROPAGATION = Duration.ofMinutes(2);
    private static final Duration MAX_WAIT = Duration.ofSeconds(5);

    private final SageMakerSettings config;
    private final SageMakerApi api;
    private final IamClient iam;
    private final Function<SageMakerSettings, EndpointDeployer> deployers;

    CreatedRoleDeploy(SageMakerSettings config, SageMakerApi api, IamClient iam,
                      Function<SageMakerSettings, EndpointDeployer> deployers) {
        this.config = config;
        this.api = api;
        this.iam = iam;
        this.deployers = deployers;
    }

    DeployResult deploy(ModelSpec spec, DeployContext ctx) {
        DeploymentPlan plan = DeploymentPlan.resolve(config.withRoleArn(RoleManager.placeholderArn(spec.name())),
                spec, ctx.candidate(), api::region);
        RoleManager roles = new RoleManager(iam, CallBudget.of(ctx));
        ManagedRole.Resolved role = roles.ensure(spec.name(), plan, api.region(), config.tags(), ctx);
        EndpointDeployer deployer = deployers.apply(config.withRoleArn(role.arn()));
        Instant until = ctx.clock().instant().plus(PROPAGATION);
        Duration wait = config.pollInterval().compareTo(MAX_WAIT) < 0 ? config.pollInterval() : MAX_WAIT;
        while (true) {
            try {
                return deployer.deploy(spec, ctx);
            } catch (RuntimeException e) {
                if (role.created() && notAssumableYet(e) && ctx.clock().instant().isBefore(until)
                        && ctx.remaining().compareTo(wait) > 0) {
                    ctx.progress("create-role", "Propagating", "SageMaker cannot assume the new role "
                            + RoleManager.roleName(spec.name()) + " yet; retrying in " + wait.toMillis() + " ms");
                    sleep(wait);
                    continue;
                }
                throw role.created() ? removeRole(spec.name(), roles, e, ctx) : e;
            }
        }
    }

    /** SageMaker's answer while a new role has not propagated. */
    static boolean notAssumableYet(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("could not assume role")) {
                return true;
            }
        }
        return false;
    }

    /** {@code e} noting the role's removal, unless the endpoint exists (it runs as the role; undeploy removes both). */
    private RuntimeException removeRole(String name, RoleManager roles, RuntimeException e, DeployContext ctx) {
        String note;
        try (CallBudget.Scope s = CallBudget.open(CallBudget.of(ctx).forCleanup())) {
            if (api.describeEndpoint(Naming.endpointName(name)).isPresent()) {
                return e;
            }
            roles.deleteIfManaged(name);
            note = "removed IAM role " + RoleManager.roleName(name);
        } catch (RuntimeException cleanup) {
            e.addSuppressed(cleanup);
            note = "could not remove IAM role " + RoleManager.roleName(name) + ": 'undeploy " + name
                    + "' finds it by the name";
        }
        return Failures.withNote(e, note);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new OperationTimeoutException("interrupted while waiting for a new IAM role to propagate");
        }
    }
}
