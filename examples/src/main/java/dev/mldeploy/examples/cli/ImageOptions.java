package dev.mldeploy.examples.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The container image options of {@code deploy}, mapped onto the keys the providers read: {@code --package} (Lambda:
 * a zip or an image mldeploy builds and pushes to ECR) and {@code --base-image} (the base of the image mldeploy builds,
 * on Lambda with {@code --package image} and on SageMaker with {@code --image build}).
 */
final class ImageOptions {
    static final String PACKAGE_KEY = "MLDEPLOY_LAMBDA_PACKAGE";
    static final String BASE_IMAGE_KEY = "MLDEPLOY_BASE_IMAGE";

    @Option(names = "--package", paramLabel = "zip|image", description = "[lambda] Package the function as a zip "
            + "(with a dependency layer) or as a container image mldeploy builds without Docker, pushes to ECR and "
            + "deploys by digest; default: a zip unless it does not fit (MLDEPLOY_LAMBDA_PACKAGE).")
    String packageType;
    @Option(names = "--base-image", paramLabel = "REF", description = "[lambda, sagemaker] The base of the image "
            + "mldeploy builds (--package image, --image build), by tag or digest; default AWS's Lambda Python image "
            + "or python:<version>-slim (MLDEPLOY_BASE_IMAGE).")
    String baseImage;

    /**
     * The keys these options set.
     *
     * @throws IllegalArgumentException a value no target takes, saying what to give
     */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (packageType != null) {
            String p = packageType.trim().toLowerCase(Locale.ROOT);
            if (!p.equals("zip") && !p.equals("image")) {
                throw new IllegalArgumentException("--package must be zip or image, was '" + packageType + "'");
            }
            env.put(PACKAGE_KEY, p);
        }
        if (baseImage != null) {
            if (baseImage.isBlank()) {
                throw new IllegalArgumentException("--base-image is blank; give an image reference such as "
                        + "public.ecr.aws/lambda/python:3.12");
            }
            env.put(BASE_IMAGE_KEY, baseImage);
        }
        return env;
    }

    /**
     * Refuses an option {@code target} does not use ({@code how} says how the target was chosen).
     *
     * @throws IllegalArgumentException naming the option and the targets it is for
     */
    void checkUsedBy(String target, String how) {
        if (packageType != null && (target.equals("sagemaker") || target.equals("local"))) {
            throw new IllegalArgumentException("--package (lambda only) does nothing on " + how + "; remove it or "
                    + "deploy to lambda");
        }
        if (baseImage != null && target.equals("local")) {
            throw new IllegalArgumentException("--base-image (lambda, sagemaker only) does nothing on " + how
                    + "; remove it or deploy to a target that builds images");
        }
    }

    boolean given() {
        return packageType != null || baseImage != null;
    }
}
