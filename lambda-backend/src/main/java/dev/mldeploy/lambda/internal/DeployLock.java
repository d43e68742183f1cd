package dev.mldeploy.lambda.internal;

import dev.mldeploy.ConflictException;
import dev.mldeploy.aws.CallBudget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;

/**
 * A lease one deploy holds on an existing function while it changes it: the alias {@value #NAME} on $LATEST, whose
 * description names the holder and when the lease ends. Lambda (and the emulator) refuse a second CreateAlias of one
 * name, so of two deploys at once only one gets to change $LATEST; the other stops with {@link ConflictException}
 * before sending any change. RevisionId on every change (see {@link FunctionDeployer}) stays the guarantee on real
 * Lambda; the lease keeps the loser from sending updates Lambda would refuse. A killed deploy's lease ends after
 * {@link #LEASE}; the holder renews it before each change. Hand-written: Lambda has no lock API. Not thread-safe
 * (one per deploy).
 */
final class DeployLock implements AutoCloseable {
    static final String NAME = "mldeploy-deploying";
    static final Duration LEASE = Duration.ofMinutes(5);
    private static final String PREFIX = "mldeploy deploy lease ";
    private static final Logger LOG = LoggerFactory.getLogger(DeployLock.class);

    private final LambdaClient lambda;
    private final String function;
    private final CallBudget budget;
    private final Clock clock;
    private final String token = UUID.randomUUID().toString();
    private Instant until;

    private DeployLock(LambdaClient lambda, String function, CallBudget budget, Clock clock) {
        this.lambda = lambda;
        this.function = function;
        this.budget = budget;
        this.clock = clock;
    }

    /**
     * Takes the lease on {@code function}, or takes over one that ended.
     *
     * @throws ConflictException another deploy holds it
     */
    static DeployLock acquire(LambdaClient lambda, String function, CallBudget budget, Clock clock) {
        DeployLock lock = new DeployLock(lambda, function, budget, clock);
        lock.take();
        return lock;
    }

    private void take() {
        until = clock.instant().plus(LEASE);
        try {
            lambda.createAlias(b -> budget.on(b).functionName(function).name(NAME).functionVersion("$LATEST")
                    .description(description()));
            return;
        } catch (RuntimeException e) {
            if (!LambdaErrors.isConflict(e)) {
                throw LambdaErrors.failed("taking the deploy lease on function " + function, e);
            }
        }
        GetAliasResponse held;
        try {
            held = lambda.getAlias(b -> budget.on(b).functionName(function).name(NAME));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("reading the deploy lease on function " + function, e);
        }
        Optional<Instant> theirs = end(held.description());
        if (theirs.isPresent() && theirs.get().isAfter(clock.instant())) {
            throw new ConflictException(LambdaErrors.ANOTHER_DEPLOY + ": it holds the deploy lease on function "
                    + function + " until " + theirs.get() + "; wait for it and deploy again (if it was killed, "
                    + "deploy again after that time, or delete the alias " + NAME + " of " + function + ")");
        }
        LOG.debug("taking over the ended deploy lease on {} ({})", function, held.description());
        try {
            lambda.updateAlias(b -> budget.on(b).functionName(function).name(NAME).description(description())
                    .revisionId(held.revisionId()));
            GetAliasResponse now = lambda.getAlias(b -> budget.on(b).functionName(function).name(NAME));
            if (!description().equals(now.description())) {
                throw new ConflictException(LambdaErrors.ANOTHER_DEPLOY + ": it took over the ended deploy lease on "
                        + "function " + function + " at the same time; deploy again when it is done");
            }
        } catch (RuntimeException e) {
            if (LambdaErrors.isPreconditionFailed(e)) {
                throw new ConflictException(LambdaErrors.ANOTHER_DEPLOY + ": it took over the ended deploy lease on "
                        + "function " + function + " first; deploy again when it is done", e);
            }
            throw LambdaErrors.failed("taking over the deploy lease on function " + function, e);
        }
    }

    /** Extends the lease when half of it has passed (before a change that may follow a long wait). */
    void renew() {
        if (Duration.between(clock.instant(), until).compareTo(LEASE.dividedBy(2)) > 0) {
            return;
        }
        until = clock.instant().plus(LEASE);
        try {
            lambda.updateAlias(b -> budget.on(b).functionName(function).name(NAME).description(description()));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("renewing the deploy lease on function " + function, e);
        }
    }

    /** Gives the lease back; a failure only leaves it to end by itself. */
    @Override
    public void close() {
        CallBudget release = budget.remaining().compareTo(Duration.ofSeconds(5)) > 0 ? budget
                : budget.grace(Duration.ofSeconds(10));
        try {
            lambda.deleteAlias(b -> release.on(b).functionName(function).name(NAME));
        } catch (RuntimeException e) {
            LOG.warn("could not release the deploy lease on {} ({}); it ends at {}", function, LambdaErrors.code(e),
                    until);
        }
    }

    private String description() {
        return PREFIX + token + " until " + until;
    }

    static Optional<Instant> end(String description) {
        if (description == null || !description.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int i = description.lastIndexOf(" until ");
        try {
            return i < 0 ? Optional.empty() : Optional.of(Instant.parse(description.substring(i + 7).trim()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
