package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.EcrLogin;
import dev.mldeploy.aws.EcrNames;
import dev.mldeploy.aws.EcrRepositories;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.RegistryCredential;
import dev.mldeploy.image.RegistryCredentials;
import dev.mldeploy.spi.DeployContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a function's container image (the public {@code LambdaImageRecipe}, through {@link ImageSettings#recipes()}:
 * the Lambda Python base, the dependencies, the adapter and the model in {@code /var/task}) and pushes it to the deployment's ECR repository
 * ({@link EcrNames#repositoryFor}, created and tagged as mldeploy's when missing), so the deploy can run it by digest.
 * Jib pushes only the blobs the registry lacks: an unchanged model uploads nothing. The repository is recorded in
 * {@link CreatedResources} before the first byte goes, so a failed first deploy removes what it pushed, and
 * {@code undeploy} finds it by the name. Thread-safe (each push's state is local).
 */
final class FunctionImagePusher {
    /** On the function: the digest it runs, and the repository it came from. */
    static final String TAG_DIGEST = "mldeploy:image-digest";
    static final String TAG_REPOSITORY = "mldeploy:image-repository";

    private final LambdaSettings config;
    private final AwsClients clients;
    private final ImagePush pushing;

    FunctionImagePusher(LambdaSettings config, AwsClients clients, ImagePush pushing) {
        this.config = config;
        this.clients = clients;
        this.pushing = pushing;
    }

    /**
     * What one push made.
     *
     * @param imageUri    {@code <repository uri>@sha256:...}
     * @param digest      the manifest digest
     * @param pushedBlobs blobs uploaded (0 for an unchanged model)
     * @param skippedBlobs blobs the registry already had
     */
    record Pushed(String imageUri, String digest, int pushedBlobs, int skippedBlobs) {
    }

    /** The ECR repository of function {@code name}, or an {@link InvalidSpecException} before any call. */
    static String repository(String name) {
        return EcrNames.repositoryFor(LambdaSettings.NAME, name, InvalidSpecException::new);
    }

    /** {@code userTags} plus the image tags a function built from {@code s} carries (none for a zip). */
    static Map<String, String> withImageTags(FunctionSettings s, Map<String, String> userTags) {
        if (!s.buildImage()) {
            return userTags;
        }
        Map<String, String> tags = new HashMap<>(userTags);
        tags.put(TAG_REPOSITORY, repository(s.functionName()));
        // before the push, a digest of the same length stands in, so that the tag check sees the real sizes
        tags.put(TAG_DIGEST, EcrNames.digestOf(s.imageUri()).orElse("sha256:" + "0".repeat(64)));
        return tags;
    }

    /**
     * Builds and pushes the image of {@code spec} with {@code s}'s runtime and architecture, under the tag of
     * {@code specHash}.
     */
    Pushed push(ModelSpec spec, FunctionSettings s, String specHash, CreatedResources created, CallBudget budget,
                DeployContext ctx) {
        String name = spec.name();
        String repository = repository(name);
        ImageSettings.Recipes recipes = java.util.Objects.requireNonNull(config.image().recipes(),
                "no image recipes configured");
        ctx.progress("image-build", "", "building the container image of " + name + " (" + s.runtime() + ", "
                + s.architecture().awsName() + ")");
        try (ImageSettings.Prepared recipe = recipes.prepare(spec, s.runtime(), s.architecture(),
                config.image().baseReference(), DependencyLayers.python(config), config.pipEnvironment(),
                ctx.remaining())) {
            EcrRepositories repos = new EcrRepositories(clients.ecr(), AwsClients.BUILDER);
            EcrLogin login;
            EcrRepositories.Found found;
            try (CallBudget.Scope scope = CallBudget.open(budget)) {
                found = repos.ensure(repository, name, EcrRepositories.tags(LambdaSettings.NAME, name,
                        s.userTags()), () -> ctx.progress("image-repository", "", "creating ECR repository "
                        + repository));
                created.imageRepository = repository; // before the push: a push cut short may have left blobs
                login = repos.login(clients.registryOverride());
            }
            RegistryCredential credential = new RegistryCredential(login.username(), login.password());
            RegistryCredentials fallback = RegistryCredentials.defaultChain();
            RegistryCredentials credentials = registry -> registry.equals(login.pushAuthority())
                    || registry.equals(login.registryHost()) ? Optional.of(credential) : fallback.lookup(registry);
            ImageReference to = new ImageReference(login.pushAuthority(), repository, EcrNames.imageTag(specHash),
                    "");
            ctx.progress("image-push", "", "pushing to " + found.uri() + ":" + to.tag()
                    + (login.plainHttp() ? " (through the test registry " + login.pushEndpoint() + ")" : ""));
            BuiltImage built = pushing.push(recipe.recipe(), ImageDestination.registry(to, credentials),
                    credentials, login.plainHttp(), ctx.remaining(), ctx.listener());
            String uri = found.byDigest(built.digest());
            ctx.progress("image-pushed", "", uri + ": " + built.pushedBlobs() + " blobs uploaded, "
                    + built.skippedBlobs() + " already in the registry");
            return new Pushed(uri, built.digest(), built.pushedBlobs(), built.skippedBlobs());
        }
    }
}
