package dev.mldeploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsNamesTest {
    private static IllegalArgumentException refused(Map<String, String> tags) {
        return assertThrows(IllegalArgumentException.class,
                () -> AwsNames.checkTags(tags, "function f", IllegalArgumentException::new));
    }

    @Test
    void checkTags_whenAKeyIsEmptyTooLongHasABadCharacterOrTheAwsPrefix_refusesNamingIt() {
        assertTrue(refused(Map.of("", "v")).getMessage().contains("tag key ''"));
        assertTrue(refused(Map.of("k".repeat(129), "v")).getMessage().contains("1 to 128"));
        assertTrue(refused(Map.of("team*", "v")).getMessage().contains("tag key 'team*'"));
        assertTrue(refused(Map.of("AWS:team", "v")).getMessage().contains("aws:"));
        assertTrue(refused(Map.of("a\nb", "v")).getMessage().contains("a\\u000ab"), "control characters escaped");
    }

    @Test
    void checkTags_whenAValueIsTooLongOrHasABadCharacter_refusesSayingHowLong() {
        assertTrue(refused(Map.of("k", "v".repeat(257))).getMessage().contains("257 characters"));
        assertTrue(refused(Map.of("k", "a;b")).getMessage().contains("the value of tag 'k'"));
    }

    @Test
    void checkTags_whenOverFiftyTags_refusesSayingHowManyToRemove() {
        Map<String, String> tags = new HashMap<>();
        for (int i = 0; i < 51; i++) {
            tags.put("k" + i, "v");
        }
        assertTrue(refused(tags).getMessage().contains("remove 1"), refused(tags).getMessage());
        tags.remove("k0");
        AwsNames.checkTags(tags, "function f", IllegalArgumentException::new);
    }

    @Test
    void checkTags_acceptsUnicodeLettersSpacesAndTheAllowedPunctuation() {
        AwsNames.checkTags(Map.of("Équipe data:ml/team", "v_1.2 +=@-", "empty", ""), "function f",
                IllegalArgumentException::new);
    }

    @Test
    void bucketProblem_saysWhichS3RuleANameBreaks() {
        assertTrue(AwsNames.bucketProblem("ab").orElseThrow().contains("2 characters"));
        assertTrue(AwsNames.bucketProblem("My-Bucket").orElseThrow().contains("lower-case"));
        assertTrue(AwsNames.bucketProblem("my..bucket").orElseThrow().contains("two adjacent dots"));
        assertTrue(AwsNames.bucketProblem("my.-bucket").orElseThrow().contains("dot next to a hyphen"));
        assertTrue(AwsNames.bucketProblem("10.0.0.1").orElseThrow().contains("IP address"));
        assertTrue(AwsNames.bucketProblem("xn--models").orElseThrow().contains("prefix xn--"));
        assertTrue(AwsNames.bucketProblem("models--x-s3").orElseThrow().contains("suffix --x-s3"));
        assertEquals(Optional.empty(), AwsNames.bucketProblem("ok.bucket-1"));
    }

    @Test
    void isRoleArn_acceptsRolesWithPathsInAnyPartitionAndRefusesTheRest() {
        assertTrue(AwsNames.isRoleArn("arn:aws:iam::123456789012:role/exec"));
        assertTrue(AwsNames.isRoleArn("arn:aws-cn:iam::123456789012:role/service-role/exec"));
        assertFalse(AwsNames.isRoleArn("exec"));
        assertFalse(AwsNames.isRoleArn("arn:aws:iam::12345:role/exec"));
        assertFalse(AwsNames.isRoleArn("arn:aws:iam::123456789012:user/exec"));
        assertFalse(AwsNames.isRoleArn("arn:aws:iam::123456789012:role/" + "r".repeat(65)));
    }
}
