package dev.mldeploy.aws;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.BatchDeleteImageResponse;
import software.amazon.awssdk.services.ecr.model.ImageFailure;
import software.amazon.awssdk.services.ecr.model.ImageFailureCode;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotEmptyException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

/**
 * The Amazon ECR calls both targets make for the images they build, each bounded by {@link CallBudget#current()}
 * and each failure translated by {@link AwsErrors}: find or create a deployment's repository (tagged as mldeploy's,
 * scan on push), log in to the registry ({@code GetAuthorizationToken}), and on undeploy delete the images mldeploy
 * pushed (by digest) and the repository when mldeploy created it and it is then empty.
 *
 * <p>Tags are MUTABLE: every deploy runs its image by digest ({@code <repository>@sha256:...}), so a tag never
 * decides what runs; mldeploy's tag names the spec ({@link EcrNames#imageTag}), and an IMMUTABLE repository would
 * refuse the push of a spec whose base image (a moving tag such as {@code python:3.12}) brought new bytes. A
 * repository mldeploy did not create is used as it is and never deleted. Thread-safe.
 */
public final class EcrRepositories {
    /** On the repository: mldeploy created it (undeploy may delete it when empty). */
    public static final String TAG_MANAGED = "mldeploy:managed";
    /** On the repository: the deployment it holds the images of. */
    public static final String TAG_NAME = "mldeploy:name";
    /** On the repository: the target ({@code lambda}, {@code sagemaker}). */
    public static final String TAG_TARGET = "mldeploy:target";
    /** BatchDeleteImage takes at most this many image ids. */
    static final int MAX_DELETE_BATCH = 100;
    private static final Logger LOG = LoggerFactory.getLogger(EcrRepositories.class);

    private final EcrClient ecr;
    private final String builder;

    /**
     * @param builder the target's builder, for configuration advice ("LambdaTarget.builder()")
     */
    public EcrRepositories(EcrClient ecr, String builder) {
        this.ecr = ecr;
        this.builder = builder;
    }

    /**
     * A repository as a deploy uses it. Immutable.
     *
     * @param name    the repository name
     * @param uri     {@code <account>.dkr.ecr.<region>.amazonaws.com/<name>}
     * @param managed whether mldeploy created it
     * @param created whether this call created it
     */
    public record Found(String name, String uri, boolean managed, boolean created) {
        /** The image {@code digest} of this repository, by digest. */
        public String byDigest(String digest) {
            return EcrNames.byDigest(uri, digest);
        }
    }

    /**
     * What {@link #removePushed} did. Immutable.
     *
     * @param images            digests deleted
     * @param repositoryDeleted whether the repository was deleted
     * @param left              what stays and why, for the message, or empty
     */
    public record Removal(List<String> images, boolean repositoryDeleted, Optional<String> left) {
        public Removal {
            images = List.copyOf(images);
        }

        static Removal nothing() {
            return new Removal(List.of(), false, Optional.empty());
        }
    }

    /** The tags mldeploy puts on a repository it creates for {@code deployment} of {@code target}. */
    public static Map<String, String> tags(String target, String deployment, Map<String, String> userTags) {
        Map<String, String> tags = new LinkedHashMap<>(userTags);
        tags.put(TAG_MANAGED, "true");
        tags.put(TAG_NAME, deployment);
        tags.put(TAG_TARGET, target);
        return tags;
    }

    /**
     * Finds repository {@code name}, or creates it (tagged {@code tags}, scan on push, mutable tags), running
     * {@code beforeCreate} first to report progress.
     *
     * @param deployment the deployment it is for: a repository mldeploy made for another one is refused
     * @throws InvalidConfigurationException the repository is mldeploy's for another deployment, or ECR refused
     */
    public Found ensure(String name, String deployment, Map<String, String> tags, Runnable beforeCreate) {
        Optional<Repository> existing = describe(name);
        if (existing.isEmpty()) {
            beforeCreate.run();
            try {
                Repository made = ecr.createRepository(r -> CallBudget.current().on(r.repositoryName(name)
                        .imageScanningConfiguration(s -> s.scanOnPush(true))
                        .imageTagMutability(ImageTagMutability.MUTABLE)
                        .tags(toEcr(tags)))).repository();
                LOG.debug("created ECR repository {}", made.repositoryUri());
                return new Found(name, made.repositoryUri(), true, true);
            } catch (RepositoryAlreadyExistsException e) {
                existing = describe(name); // another deploy made it meanwhile: check whose it is below
                if (existing.isEmpty()) {
                    throw AwsErrors.translate("create ECR repository " + name, e, builder);
                }
            } catch (RuntimeException e) {
                throw AwsErrors.translate("create ECR repository " + name, e, builder);
            }
        }
        Repository r = existing.get();
        Map<String, String> onIt = tagsOf(r);
        boolean managed = "true".equals(onIt.get(TAG_MANAGED));
        if (managed && !deployment.equals(onIt.get(TAG_NAME))) {
            throw new InvalidConfigurationException("ECR repository " + name + " holds the images of mldeploy "
                    + "deployment '" + onIt.get(TAG_NAME) + "', not '" + deployment + "' (ECR names are lower case); "
                    + "rename the model so the two differ in more than case");
        }
        return new Found(name, r.repositoryUri(), managed, false);
    }

    /**
     * Logs in to the account's registry.
     *
     * @param override the test-only registry that receives the bytes instead ({@link EcrRegistryOverride}), or empty
     */
    public EcrLogin login(Optional<URI> override) {
        AuthorizationData data;
        try {
            List<AuthorizationData> all = ecr.getAuthorizationToken(r -> CallBudget.current().on(r))
                    .authorizationData();
            if (all == null || all.isEmpty()) {
                throw new DeploymentFailedException("ECR GetAuthorizationToken returned no authorization data",
                        null, true);
            }
            data = all.get(0);
        } catch (RuntimeException e) {
            throw AwsErrors.translate("log in to ECR (GetAuthorizationToken)", e, builder);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new DeploymentFailedException("ECR returned an authorization token that is not base64", e, false);
        }
        int colon = decoded.indexOf(':');
        if (colon < 1) {
            throw new DeploymentFailedException("ECR returned an authorization token that is not user:password",
                    null, false);
        }
        URI proxy = URI.create(data.proxyEndpoint());
        return new EcrLogin(proxy.getHost(), override.orElse(proxy), decoded.substring(0, colon),
                decoded.substring(colon + 1));
    }

    /**
     * Deletes, from repository {@code name}, the images mldeploy pushed there for {@code deployment}: those with a
     * tag of {@link EcrNames#TAG_PREFIX} and, in a repository mldeploy created, the untagged ones (a tag mldeploy
     * moved leaves its old image untagged); then the repository itself when mldeploy created it and nothing is left
     * in it. A repository that is missing, or is mldeploy's for another deployment, is left alone.
     *
     * @throws DeploymentFailedException ECR refused to delete an image (naming it)
     */
    public Removal removePushed(String name, String deployment) {
        Optional<Repository> found = describe(name);
        if (found.isEmpty()) {
            return Removal.nothing();
        }
        Map<String, String> onIt = tagsOf(found.get());
        boolean managed = "true".equals(onIt.get(TAG_MANAGED));
        if (managed && !deployment.equals(onIt.get(TAG_NAME))) {
            LOG.debug("ECR repository {} is mldeploy's for deployment {}; leaving it", name, onIt.get(TAG_NAME));
            return Removal.nothing();
        }
        Set<String> digests = new LinkedHashSet<>();
        for (ImageIdentifier id : listImages(name)) {
            if (EcrNames.isMldeployTag(id.imageTag()) || managed && id.imageTag() == null) {
                digests.add(id.imageDigest());
            }
        }
        List<String> deleted = new ArrayList<>();
        List<String> digestList = new ArrayList<>(digests);
        for (int i = 0; i < digestList.size(); i += MAX_DELETE_BATCH) {
            List<String> batch = digestList.subList(i, Math.min(digestList.size(), i + MAX_DELETE_BATCH));
            BatchDeleteImageResponse r;
            try {
                r = ecr.batchDeleteImage(b -> CallBudget.current().on(b.repositoryName(name)
                        .imageIds(batch.stream().map(d -> ImageIdentifier.builder().imageDigest(d).build()).toList())));
            } catch (RuntimeException e) {
                throw AwsErrors.translate("delete images from ECR repository " + name, e, builder);
            }
            List<String> refused = new ArrayList<>();
            for (ImageFailure f : r.failures()) {
                if (f.failureCode() != ImageFailureCode.IMAGE_NOT_FOUND) {
                    refused.add(f.imageId().imageDigest() + " (" + f.failureCodeAsString() + ": "
                            + f.failureReason() + ")");
                }
            }
            r.imageIds().stream().map(ImageIdentifier::imageDigest).distinct().forEach(deleted::add);
            if (!refused.isEmpty()) {
                throw new DeploymentFailedException("ECR refused to delete images from repository " + name + ": "
                        + String.join(", ", refused) + (deleted.isEmpty() ? "" : "; deleted " + deleted.size()),
                        null, false);
            }
        }
        if (!managed) {
            return new Removal(deleted, false, Optional.of("ECR repository " + name + " (not created by mldeploy)"));
        }
        int others = listImages(name).size();
        if (others > 0) {
            return new Removal(deleted, false, Optional.of("ECR repository " + name + " (it holds " + others
                    + " images mldeploy did not push)"));
        }
        try {
            ecr.deleteRepository(r -> CallBudget.current().on(r.repositoryName(name))); // never force
        } catch (RepositoryNotEmptyException e) {
            return new Removal(deleted, false, Optional.of("ECR repository " + name + " (an image was pushed to "
                    + "it meanwhile)"));
        } catch (RepositoryNotFoundException e) {
            return new Removal(deleted, false, Optional.empty());
        } catch (RuntimeException e) {
            throw AwsErrors.translate("delete ECR repository " + name, e, builder);
        }
        LOG.debug("deleted ECR repository {} and {} images", name, deleted.size());
        return new Removal(deleted, true, Optional.empty());
    }

    /** The repository named {@code name}, or empty. */
    public Optional<Repository> describe(String name) {
        try {
            List<Repository> r = ecr.describeRepositories(b -> CallBudget.current().on(b.repositoryNames(name)))
                    .repositories();
            return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
        } catch (RepositoryNotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw AwsErrors.translate("describe ECR repository " + name, e, builder);
        }
    }

    /** Every image id (one per tag, one for an untagged image) in repository {@code name}. */
    public List<ImageIdentifier> listImages(String name) {
        List<ImageIdentifier> ids = new ArrayList<>();
        String token = null;
        try {
            do {
                String t = token;
                var page = ecr.listImages(b -> CallBudget.current().on(b.repositoryName(name).nextToken(t)));
                ids.addAll(page.imageIds());
                token = page.nextToken();
            } while (token != null);
        } catch (RepositoryNotFoundException e) {
            return List.of();
        } catch (RuntimeException e) {
            throw AwsErrors.translate("list the images of ECR repository " + name, e, builder);
        }
        return ids;
    }

    private Map<String, String> tagsOf(Repository r) {
        try {
            Map<String, String> tags = new LinkedHashMap<>();
            ecr.listTagsForResource(b -> CallBudget.current().on(b.resourceArn(r.repositoryArn()))).tags()
                    .forEach(t -> tags.put(t.key(), t.value()));
            return tags;
        } catch (RuntimeException e) {
            throw AwsErrors.translate("read the tags of ECR repository " + r.repositoryName(), e, builder);
        }
    }

    private static List<Tag> toEcr(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }
}
