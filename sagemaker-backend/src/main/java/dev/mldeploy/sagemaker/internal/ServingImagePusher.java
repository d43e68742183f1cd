package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.Architecture;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.EcrLogin;
import dev.mldeploy.aws.EcrNames;
import dev.mldeploy.aws.EcrRepositories;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageBuilder;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.RegistryCredential;
import dev.mldeploy.image.RegistryCredentials;
import dev.mldeploy.spi.DeployContext;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * The serving images a deploy builds ({@code --image build}): the public {@code SageMakerImageRecipe} (through
 * {@link ImageBuild#recipes()}) pushed to the deployment's ECR repository {@code mldeploy/sagemaker/<name>}, created
 * and tagged as mldeploy's when missing; the plan then runs it by digest and its resources carry the digest. Jib
 * pushes only the blobs the registry lacks, so an unchanged model uploads nothing and keeps its digest (and so its
 * spec hash: no update). Undeploy removes what mldeploy pushed there, and the repository when mldeploy created it
 * and it is then empty. Thread-safe. Not API.
 */
public final class ServingImagePusher {
    /** On the model, config and endpoint: the serving image's digest and repository. */
    public static final String TAG_DIGEST = "mldeploy:image-digest";
    public static final String TAG_REPOSITORY = "mldeploy:image-repository";
    /** No ECR at all (a target made without clients for it, as in unit tests). */
    public static final ServingImagePusher NONE = new ServingImagePusher(ImageBuild.NONE, null, Optional.empty());

    /** Builds an image and pushes it: {@link #JIB} in every target; unit tests replace it. */
    @FunctionalInterface
    public interface Push {
        /** Jib, through {@link ImageBuilder}; plain HTTP only when {@code insecure} (a loopback test registry). */
        Push JIB = (recipe, to, credentials, insecure, timeout, listener) -> ImageBuilder.builder()
                .baseImageCredentials(credentials).allowInsecure(insecure).build().build(recipe, to, timeout,
                        listener);

        BuiltImage push(dev.mldeploy.image.ImageRecipe recipe, ImageDestination.Registry to,
                        RegistryCredentials credentials, boolean insecure, java.time.Duration timeout,
                        dev.mldeploy.ProgressListener listener);
    }

    private final ImageBuild settings;
    private final Supplier<EcrClient> ecr;
    private final Optional<URI> registryOverride;
    private final Push pushing;

    public ServingImagePusher(ImageBuild settings, Supplier<EcrClient> ecr, Optional<URI> registryOverride) {
        this(settings, ecr, registryOverride, Push.JIB);
    }

    public ServingImagePusher(ImageBuild settings, Supplier<EcrClient> ecr, Optional<URI> registryOverride,
                              Push pushing) {
        this.settings = settings;
        this.ecr = ecr;
        this.registryOverride = registryOverride;
        this.pushing = pushing;
    }

    /** The ECR repository of deployment {@code name}, or an {@link InvalidSpecException} before any call. */
    public static String repository(String name) {
        return EcrNames.repositoryFor(SageMakerSettings.NAME, name, InvalidSpecException::new);
    }

    /**
     * {@code plan} with the serving image built and pushed when the target is to build it, else as it is.
     */
    public DeploymentPlan resolve(DeploymentPlan plan, ModelSpec spec, DeployContext ctx) {
        if (!settings.build()) {
            return plan;
        }
        String name = spec.name();
        String repository = repository(name);
        Architecture arch = plan.variants().stream().anyMatch(v -> PrebuiltImage.isGraviton(v.instanceType()))
                && !plan.isServerless() ? Architecture.ARM64 : Architecture.X86_64;
        ImageBuild.Recipes recipes = Objects.requireNonNull(settings.recipes(), "no image recipes configured");
        ctx.progress("image-build", "", "building the serving image of " + name + " (" + arch.awsName() + ")");
        try (ImageBuild.Prepared recipe = recipes.prepare(spec, arch, settings.baseReference(), ctx.remaining())) {
            EcrRepositories repos = new EcrRepositories(ecr.get(), AwsClients.BUILDER);
            EcrRepositories.Found found = repos.ensure(repository, name, EcrRepositories.tags(SageMakerSettings.NAME,
                    name, plan.tags()), () -> ctx.progress("image-repository", "", "creating ECR repository "
                    + repository));
            EcrLogin login = repos.login(registryOverride);
            RegistryCredential credential = new RegistryCredential(login.username(), login.password());
            RegistryCredentials fallback = RegistryCredentials.defaultChain();
            RegistryCredentials credentials = registry -> registry.equals(login.pushAuthority())
                    || registry.equals(login.registryHost()) ? Optional.of(credential) : fallback.lookup(registry);
            ImageReference to = new ImageReference(login.pushAuthority(), repository, tag(spec), "");
            ctx.progress("image-push", "", "pushing to " + found.uri() + ":" + to.tag()
                    + (login.plainHttp() ? " (through the test registry " + login.pushEndpoint() + ")" : ""));
            BuiltImage built = pushing.push(recipe.recipe(), ImageDestination.registry(to, credentials),
                    credentials, login.plainHttp(), ctx.remaining(), ctx.listener());
            String uri = found.byDigest(built.digest());
            ctx.progress("image-pushed", "", uri + ": " + built.pushedBlobs() + " blobs uploaded, "
                    + built.skippedBlobs() + " already in the registry");
            return plan.withBuiltImage(uri, built.digest(), repository);
        }
    }

    /**
     * Removes the images mldeploy pushed for {@code name} (and its emptied repository).
     *
     * @param recorded whether a resource of the deployment says it runs such an image (then ECR must answer)
     * @return what was removed, for the progress line, or empty
     */
    public Optional<String> removeAll(String name, boolean recorded) {
        if (ecr == null) {
            return Optional.empty();
        }
        String repository;
        try {
            repository = repository(name);
        } catch (InvalidSpecException e) {
            return Optional.empty(); // ECR refuses such a name, so nothing was pushed there
        }
        EcrRepositories.Removal r;
        try {
            r = new EcrRepositories(ecr.get(), AwsClients.BUILDER).removePushed(repository, name);
        } catch (InvalidConfigurationException e) {
            if (!recorded) {
                // not allowed to read ECR (or no region for its client), and no model says mldeploy pushed there
                return Optional.empty();
            }
            throw e;
        }
        if (r.images().isEmpty() && !r.repositoryDeleted()) {
            return Optional.empty();
        }
        return Optional.of((r.images().isEmpty() ? "" : r.images().size() + (r.images().size() == 1 ? " image"
                : " images") + " in ECR repository " + repository) + (r.repositoryDeleted()
                ? (r.images().isEmpty() ? "" : " and ") + "ECR repository " + repository : ""));
    }

    /** The tag an image of {@code spec} is pushed under: its model content, so tags differ when models do. */
    private static String tag(ModelSpec spec) {
        return EcrNames.imageTag(SourceTree.of(spec).sha256());
    }
}
