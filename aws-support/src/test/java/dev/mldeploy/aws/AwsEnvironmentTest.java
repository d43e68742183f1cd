package dev.mldeploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsEnvironmentTest {
    @Test
    void region_prefersAwsRegionOverAwsDefaultRegion() {
        assertEquals(Optional.of("eu-west-1"), AwsEnvironment.region(new TargetContext(Map.of(
                "AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-east-2"))));
        assertEquals(Optional.of("us-east-2"), AwsEnvironment.region(new TargetContext(Map.of(
                "AWS_DEFAULT_REGION", "us-east-2"))));
        assertEquals(Optional.empty(), AwsEnvironment.region(new TargetContext(Map.of())));
    }

    @Test
    void endpoint_whenNotAUrl_isAConfigurationErrorNamingTheKey() {
        assertEquals(Optional.of(URI.create("http://127.0.0.1:5000")), AwsEnvironment.endpoint(new TargetContext(
                Map.of("AWS_ENDPOINT_URL", " http://127.0.0.1:5000 "))));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> AwsEnvironment.endpoint(new TargetContext(Map.of("AWS_ENDPOINT_URL", "localhost"))));
        assertTrue(e.getMessage().contains("AWS_ENDPOINT_URL='localhost'"), e.getMessage());
    }

    @Test
    void flag_acceptsTheUsualSpellingsAndRefusesOthers() {
        assertTrue(AwsEnvironment.flag(new TargetContext(Map.of("MLDEPLOY_CREATE_BUCKET", "YES")),
                AwsEnvironment.CREATE_BUCKET));
        assertFalse(AwsEnvironment.flag(new TargetContext(Map.of("MLDEPLOY_CREATE_BUCKET", "0")),
                AwsEnvironment.CREATE_BUCKET));
        assertFalse(AwsEnvironment.flag(new TargetContext(Map.of()), AwsEnvironment.CREATE_BUCKET));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> AwsEnvironment
                .flag(new TargetContext(Map.of("MLDEPLOY_CREATE_BUCKET", "maybe")), AwsEnvironment.CREATE_BUCKET));
        assertTrue(e.getMessage().contains("MLDEPLOY_CREATE_BUCKET='maybe'"), e.getMessage());
    }

    @Test
    void integer_whenNotAWholeNumber_isAConfigurationError() {
        assertEquals(Optional.of(3), AwsEnvironment.integer(new TargetContext(Map.of("K", " 3")), "K"));
        assertThrows(InvalidConfigurationException.class,
                () -> AwsEnvironment.integer(new TargetContext(Map.of("K", "three")), "K"));
    }
}
