package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.ModelSpec;

/**
 * The Dockerfile of a bring-your-own SageMaker serving container: Python (the spec's version) with the mldeploy
 * adapter in {@code /opt/program}, started as {@code docker run IMAGE serve}, listening on 8080. The model's code
 * is not in the image: SageMaker extracts {@code model.tar.gz} to {@code /opt/ml/model} and the adapter loads
 * {@code /opt/ml/model/code/inference.py}. Pure. Not API.
 */
public final class DockerfileWriter {
    public static final String BASE_IMAGE = "public.ecr.aws/docker/library/python";

    private DockerfileWriter() {
    }

    /** The Dockerfile; {@code withRequirements} adds a {@code pip install -r requirements.txt} step. */
    public static String dockerfile(ModelSpec spec, boolean withRequirements) {
        StringBuilder b = new StringBuilder();
        b.append("# Serving container for mldeploy model '").append(spec.name()).append("' on Amazon SageMaker.\n");
        b.append("# Build and push:  docker build -t IMAGE . && docker push IMAGE   (IMAGE in an ECR repository)\n");
        b.append("# Then deploy with --image IMAGE (or MLDEPLOY_IMAGE / SageMakerTarget.builder().image(IMAGE)).\n");
        b.append("FROM ").append(BASE_IMAGE).append(':').append(spec.pythonVersion()).append("-slim\n\n");
        b.append("ENV PYTHONUNBUFFERED=1 \\\n    PYTHONDONTWRITEBYTECODE=1 \\\n    SAGEMAKER_BIND_TO_PORT=8080\n\n");
        if (withRequirements) {
            b.append("COPY requirements.txt /opt/program/requirements.txt\n");
            b.append("RUN pip install --no-cache-dir -r /opt/program/requirements.txt\n\n");
        }
        b.append("COPY mldeploy_serve.py /opt/program/\n");
        b.append("COPY mldeploy_adapter/ /opt/program/mldeploy_adapter/\n");
        b.append("WORKDIR /opt/program\n\n");
        b.append("EXPOSE 8080\n");
        b.append("ENTRYPOINT [\"python3\", \"/opt/program/mldeploy_serve.py\"]\n");
        b.append("CMD [\"serve\"]\n");
        return b.toString();
    }
}
