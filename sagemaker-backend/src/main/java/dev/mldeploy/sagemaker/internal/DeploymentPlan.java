package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.placement.SageMakerLimits;
import dev.mldeploy.sagemaker.internal.SageMakerSettings.Autoscaling;
import dev.mldeploy.sagemaker.internal.SageMakerSettings.DataCapture;
import dev.mldeploy.sagemaker.internal.SageMakerSettings.Serverless;
import dev.mldeploy.sagemaker.internal.SageMakerSettings.Variant;
import dev.mldeploy.sagemaker.internal.SageMakerSettings.Vpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What one deploy will create, resolved from the target's settings, the spec and placement's choice (the
 * settings win; placement fills what they leave unset). Checked in full before any AWS call. Immutable.
 *
 * @param roleArn     the execution role
 * @param bucket      the artifact bucket
 * @param prefix      the artifact key prefix
 * @param image       the serving image: the one configured, else {@code prebuilt}'s
 * @param serverless  serverless settings, or null for a real-time endpoint
 * @param variants    the production variants, each with its instance type and count (real-time) resolved
 * @param dataCapture data capture, or null
 * @param kmsKeyId    the KMS key, or null
 * @param vpc         the VPC config, or null
 * @param autoscaling autoscaling, or null
 * @param uncompressed whether the artifact is an uncompressed S3 prefix
 * @param compressionLevel the gzip level of {@code model.tar.gz}
 * @param tags        user tags (the target's, then the spec's)
 * @param prebuilt    the prebuilt framework image chosen and why, or null when an image was configured
 */
public record DeploymentPlan(String roleArn, String bucket, String prefix, String image, Serverless serverless,
                             List<Variant> variants, DataCapture dataCapture, String kmsKeyId,
                             Vpc vpc, Autoscaling autoscaling, boolean uncompressed,
                             int compressionLevel, Map<String, String> tags, PrebuiltImage prebuilt) {
    public static final String REALTIME = "realtime";
    public static final String SERVERLESS = "serverless";
    public static final String DEFAULT_VARIANT = "AllTraffic";

    public DeploymentPlan {
        variants = List.copyOf(variants);
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    /** {@code realtime} or {@code serverless}. */
    public String mode() {
        return serverless == null ? REALTIME : SERVERLESS;
    }

    public boolean isServerless() {
        return serverless != null;
    }

    /** How the artifact is laid out: for the prebuilt framework image, or for the configured container. */
    public ArtifactLayout layout() {
        return prebuilt == null ? ArtifactLayout.CONTAINER : ArtifactLayout.FRAMEWORK;
    }

    /**
     * Resolves the plan with the region from the settings (for callers without a client); see
     * {@link #resolve(SageMakerSettings, ModelSpec, Optional, Supplier)}.
     */
    public static DeploymentPlan resolve(SageMakerSettings config, ModelSpec spec,
                                         Optional<CandidateEvaluation> candidate) {
        return resolve(config, spec, candidate, () -> Optional.ofNullable(config.region()).orElseThrow(() ->
                new InvalidConfigurationException("the sagemaker target needs a region to choose a prebuilt "
                        + "serving image; set AWS_REGION, --region or SageMakerTarget.builder().region(...)")));
    }

    /**
     * Resolves the plan, or throws {@link InvalidConfigurationException} saying what to set; a model name SageMaker
     * cannot take is an {@link InvalidSpecException}. Without a configured image, the prebuilt framework image for
     * {@code region} (asked only then; no AWS call) is chosen.
     */
    public static DeploymentPlan resolve(SageMakerSettings config, ModelSpec spec,
                                         Optional<CandidateEvaluation> candidate, Supplier<String> region) {
        SageMakerLimits.nameProblem(spec.name()).ifPresent(problem -> {
            throw new InvalidSpecException("the sagemaker target cannot deploy model '" + spec.name() + "': "
                    + problem);
        });
        String role = Optional.ofNullable(config.roleArn()).orElseThrow(() -> new InvalidConfigurationException(
                "the sagemaker target needs an execution role that SageMaker can assume; set "
                        + "SageMakerTarget.builder().roleArn(...), --role-arn or MLDEPLOY_ROLE_ARN ("
                        + SageMakerSettings.ROLE_ARN_FORM + "), or let mldeploy create one (--create-role, "
                        + "SageMakerTarget.builder().createRole(true))"));
        String bucket = Optional.ofNullable(config.bucket()).orElseThrow(() -> new InvalidConfigurationException(
                "the sagemaker target needs an S3 bucket for model artifacts; set "
                        + "SageMakerTarget.builder().bucket(...), --bucket or MLDEPLOY_BUCKET"));
        Map<String, String> settings = candidate.filter(c -> SageMakerSettings.NAME.equals(c.target()))
                .map(CandidateEvaluation::settings).orElse(Map.of());
        boolean placementServerless = candidate.filter(c -> SageMakerSettings.NAME.equals(c.target()))
                .map(c -> SERVERLESS.equals(c.variant())).orElse(false);
        // settings only real-time endpoints take win over placement's serverless choice; uncompressed artifacts
        // are one (SageMaker refuses ModelDataSource on serverless endpoints)
        boolean configRealtime = config.instanceType() != null || config.instanceCount() > 0
                || !config.variants().isEmpty() || config.autoscaling() != null
                || config.dataCapture() != null || config.vpc() != null || config.uncompressedArtifacts();
        Serverless serverless = config.serverless();
        if (serverless == null && placementServerless && !configRealtime) {
            int memory = roundServerlessMemory(intSetting(settings, CandidateEvaluation.MEMORY_MB)
                    .orElse(spec.resources().memoryMb()));
            serverless = new Serverless(memory, intSetting(settings, CandidateEvaluation.MAX_CONCURRENCY)
                    .orElse(Serverless.DEFAULT_MAX_CONCURRENCY));
        }
        List<Variant> variants = new ArrayList<>();
        if (serverless != null) {
            checkServerlessSpec(spec);
            variants.add(defaultVariant(DEFAULT_VARIANT));
        } else {
            String type = config.instanceType() != null ? config.instanceType()
                    : settings.getOrDefault(CandidateEvaluation.INSTANCE_TYPE, SageMakerSettings.DEFAULT_INSTANCE_TYPE);
            int count = config.instanceCount() > 0 ? config.instanceCount()
                    : intSetting(settings, CandidateEvaluation.INSTANCE_COUNT).orElse(config.autoscaling() != null
                    ? config.autoscaling().minInstances() : 1);
            List<Variant> given = config.variants();
            if (given.isEmpty() && spec.features().variants() > 1) {
                given = new ArrayList<>();
                for (int i = 1; i <= spec.features().variants(); i++) {
                    given.add(defaultVariant("variant-" + i));
                }
            } else if (given.isEmpty()) {
                given = List.of(defaultVariant(DEFAULT_VARIANT));
            } else if (given.size() < spec.features().variants()) {
                throw new InvalidConfigurationException("model '" + spec.name() + "' asks for "
                        + spec.features().variants() + " production variants but the sagemaker target gives "
                        + given.size() + "; add variants (SageMakerTarget.builder().addVariant(...))");
            }
            for (Variant v : given) {
                variants.add(new Variant(v.name(), v.weight(),
                        v.instanceType() == null ? type : v.instanceType(),
                        v.instanceCount() == 0 ? count : v.instanceCount()));
            }
            if (spec.resources().gpu() && variants.stream().noneMatch(v -> Limits.isGpuInstance(v.instanceType()))) {
                throw new InvalidConfigurationException("model '" + spec.name() + "' needs a GPU but instance type "
                        + variants.get(0).instanceType() + " has none; choose a GPU type such as ml.g4dn.xlarge "
                        + "or ml.g5.xlarge");
            }
        }
        if (spec.features().dataCapture() && config.dataCapture() == null) {
            throw new InvalidConfigurationException("model '" + spec.name() + "' asks for data capture; set "
                    + "SageMakerTarget.builder().dataCapture(DataCaptureSettings.of(\"s3://bucket/prefix\", 100))");
        }
        if (config.kmsKeyId() != null && serverless == null) {
            variants.forEach(v -> SageMakerSettings.checkKmsInstanceType(v.instanceType()));
        }
        Map<String, String> tags = new TreeMap<>(config.tags());
        spec.tags().forEach((k, v) -> TagRules.checkUserTag(k, v, "model '" + spec.name() + "'"));
        tags.putAll(spec.tags());
        checkTags(spec.name(), bucket, config.prefix(), serverless == null ? REALTIME : SERVERLESS, tags);
        if (config.imageBuild().build()) {
            ServingImagePusher.repository(spec.name()); // ECR's naming rules, before any call
            checkTags(spec.name(), bucket, config.prefix(), serverless == null ? REALTIME : SERVERLESS,
                    withImageTags(tags, "sha256:" + "0".repeat(64), ServingImagePusher.repository(spec.name())));
        }
        // a serving image mldeploy builds is known after its push (withBuiltImage)
        PrebuiltImage prebuilt = config.image() != null || config.imageBuild().build() ? null
                : PrebuiltImage.choose(FrameworkImages.standard(),
                config.framework(), config.frameworkVersion(), spec, variants, serverless != null, region.get());
        String image = prebuilt == null ? config.image() : prebuilt.image().uri();
        return new DeploymentPlan(role, bucket, config.prefix(), image, serverless, variants,
                config.dataCapture(), config.kmsKeyId(), config.vpc(),
                config.autoscaling(), config.uncompressedArtifacts(), config.compressionLevel(), tags,
                prebuilt);
    }

    /** A variant of weight 1 on the instance type and count resolved for the endpoint. */
    private static Variant defaultVariant(String name) {
        return new Variant(name, 1.0, null, 0);
    }

    /**
     * This plan running the serving image mldeploy built and pushed ({@code imageUri} by digest); its resources
     * record the digest and the repository in their tags.
     */
    public DeploymentPlan withBuiltImage(String imageUri, String digest, String repository) {
        return new DeploymentPlan(roleArn, bucket, prefix, imageUri, serverless, variants, dataCapture, kmsKeyId,
                vpc, autoscaling, uncompressed, compressionLevel, withImageTags(tags, digest, repository), prebuilt);
    }

    private static Map<String, String> withImageTags(Map<String, String> tags, String digest, String repository) {
        Map<String, String> all = new TreeMap<>(tags);
        all.put(ServingImagePusher.TAG_DIGEST, digest);
        all.put(ServingImagePusher.TAG_REPOSITORY, repository);
        return all;
    }

    /** Checks every tag a resource of this deployment will carry, mldeploy's own included, and their count. */
    private static void checkTags(String name, String bucket, String prefix, String mode, Map<String, String> user) {
        Map<String, String> all = Naming.tagMap(name, "0".repeat(64), mode, Naming.artifactsUri(bucket, prefix, name),
                user);
        all.forEach((k, v) -> TagRules.checkValue(k, v, "deployment '" + name + "'"));
        TagRules.checkCount(all, user.size(), name);
    }

    /** The tags of every resource this deploy creates, for spec fingerprint {@code specHash}. */
    public List<software.amazon.awssdk.services.sagemaker.model.Tag> tagsFor(String name, String specHash) {
        return Naming.tags(name, specHash, mode(), artifactsUri(name), tags);
    }

    /** Where this deployment's artifacts live: {@code s3://<bucket>/<prefix>/<name>/}. */
    public String artifactsUri(String name) {
        return Naming.artifactsUri(bucket, prefix, name);
    }

    private static void checkServerlessSpec(ModelSpec spec) {
        if (spec.resources().gpu()) {
            throw new InvalidConfigurationException("model '" + spec.name() + "' needs a GPU, which serverless "
                    + "endpoints do not have; use a real-time GPU instance type (instanceType(\"ml.g4dn.xlarge\"))");
        }
        if (spec.features().variants() > 1) {
            throw new InvalidConfigurationException("model '" + spec.name() + "' asks for "
                    + spec.features().variants() + " production variants; serverless endpoints serve one");
        }
        if (spec.features().dataCapture()) {
            throw new InvalidConfigurationException("model '" + spec.name() + "' asks for data capture, which "
                    + "serverless endpoints do not support; use a real-time endpoint");
        }
    }

    private static int roundServerlessMemory(int mb) {
        int rounded = (int) Math.ceil(mb / 1024.0) * 1024;
        return Math.max(Serverless.MIN_MEMORY_MB, Math.min(Serverless.MAX_MEMORY_MB, rounded));
    }

    private static Optional<Integer> intSetting(Map<String, String> settings, String... keys) {
        for (String k : keys) {
            String v = settings.get(k);
            if (v != null) {
                try {
                    return Optional.of(Integer.parseInt(v.trim()));
                } catch (NumberFormatException e) {
                    // placement wrote something else; ignore it and use the default
                }
            }
        }
        return Optional.empty();
    }

    /** What goes into the spec fingerprint besides the spec: everything that changes what runs. */
    public Map<String, String> fingerprintSettings() {
        Map<String, String> m = new TreeMap<>();
        m.put("role", roleArn);
        m.put("artifact", "s3://" + bucket + "/" + prefix + (uncompressed ? " uncompressed" : " gzip"
                + compressionLevel));
        m.put("image", image);
        if (prebuilt != null) {
            m.put("layout", layout().name());
        }
        m.put("mode", mode());
        if (serverless != null) {
            m.put("serverless", serverless.memoryMb() + "/" + serverless.maxConcurrency());
        }
        for (Variant v : variants) {
            m.put("variant." + v.name(), v.weight() + "/" + v.instanceType() + "/" + v.instanceCount());
        }
        if (dataCapture != null) {
            m.put("dataCapture", dataCapture.destinationS3Uri() + "/" + dataCapture.samplingPercentage());
        }
        if (kmsKeyId != null) {
            m.put("kms", kmsKeyId);
        }
        if (vpc != null) {
            m.put("vpc", vpc.subnetIds() + "/" + vpc.securityGroupIds());
        }
        if (autoscaling != null) {
            m.put("autoscaling", autoscaling.minInstances() + "/" + autoscaling.maxInstances() + "/"
                    + autoscaling.targetInvocationsPerInstance());
        }
        tags.forEach((k, v) -> m.put("tag." + k, v));
        return m;
    }
}
