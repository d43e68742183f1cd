package dev.mldeploy.image.internal;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.api.buildplan.Port;
import dev.mldeploy.image.ImageLayer;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.LayerFile;
import dev.mldeploy.image.RegistryCredentials;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link ImageRecipe} as a Jib container builder: OCI format, creation time the epoch, each layer's entries in
 * path order with their fixed modes and times (Jib's layer builder then fixes owners and sorts too), the
 * container configuration. Pure: nothing is contacted until Jib's {@code containerize}.
 */
final class JibPlan {
    /** Recorded in the config's history; a constant, so that a new mldeploy version does not change digests. */
    static final String TOOL_NAME = "mldeploy";
    static final String TOOL_VERSION = "1";

    private JibPlan() {
    }

    static JibContainerBuilder containerBuilder(ImageRecipe recipe, RegistryCredentials baseCredentials) {
        ImageReference base = recipe.baseImage();
        RegistryImage baseImage = RegistryImage.named(jibReference(base))
                .addCredentialRetriever(retriever(baseCredentials, base.registry()));
        JibContainerBuilder b = Jib.from(baseImage)
                .setFormat(ImageFormat.OCI)
                .setCreationTime(Instant.EPOCH)
                .setPlatforms(Set.of(new Platform(recipe.platform().architecture(), recipe.platform().os())));
        for (ImageLayer layer : recipe.layers()) {
            b.addFileEntriesLayer(layer(layer));
        }
        recipe.entrypoint().ifPresent(b::setEntrypoint);
        recipe.cmd().ifPresent(b::setProgramArguments);
        if (!recipe.environment().isEmpty()) {
            b.setEnvironment(new LinkedHashMap<>(recipe.environment()));
        }
        recipe.workingDirectory().ifPresent(d -> b.setWorkingDirectory(AbsoluteUnixPath.get(d)));
        if (!recipe.exposedPorts().isEmpty()) {
            Set<Port> ports = new LinkedHashSet<>();
            recipe.exposedPorts().forEach(p -> ports.add(Port.tcp(p)));
            b.setExposedPorts(ports);
        }
        if (!recipe.labels().isEmpty()) {
            b.setLabels(new LinkedHashMap<>(recipe.labels()));
        }
        return b;
    }

    static FileEntriesLayer layer(ImageLayer layer) {
        FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName(layer.name());
        List<LayerFile> sorted = layer.files().stream().sorted(Comparator.comparing(LayerFile::pathInImage)).toList();
        for (LayerFile f : sorted) {
            b.addEntry(f.source(), AbsoluteUnixPath.get(f.pathInImage()),
                    FilePermissions.fromOctalString(String.format("%03o", f.mode())), f.modificationTime());
        }
        return b.build();
    }

    static com.google.cloud.tools.jib.api.ImageReference jibReference(ImageReference ref) {
        return com.google.cloud.tools.jib.api.ImageReference.of(ref.registry(), ref.repository(),
                ref.tag().isEmpty() ? null : ref.tag(), ref.digest().isEmpty() ? null : ref.digest());
    }

    static CredentialRetriever retriever(RegistryCredentials credentials, String registry) {
        return () -> credentials.lookup(registry).map(c -> Credential.from(c.username(), c.password()));
    }

    static Optional<Credential> credential(RegistryCredentials credentials, String registry) {
        return credentials.lookup(registry).map(c -> Credential.from(c.username(), c.password()));
    }

}
