package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.MlDeployException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStateTest {
    @TempDir
    Path dir;

    private LocalState state(Instant processStart) {
        return new LocalState("m", 4242, processStart, 50123, "abc123", LocalTarget.Contract.LAMBDA,
                Instant.parse("2026-01-02T03:04:05.678Z"), Instant.parse("2026-01-03T00:00:00Z"),
                dir.resolve("server.log"), Path.of("/models/m"), "python3", 20_000, "ab".repeat(32));
    }

    @Test
    void writeThenRead_returnsTheSameState() {
        LocalState s = state(Instant.parse("2026-01-03T00:00:00.12Z"));
        s.write(dir);

        assertEquals(s, LocalState.read(dir).orElseThrow());
        assertFalse(Files.exists(dir.resolve(LocalState.FILE + ".tmp")), "no temporary file left");
        assertEquals("http://127.0.0.1:50123", s.endpoint());
    }

    @Test
    void writeThenRead_withEnvironmentAndPreviousVersion_returnsTheSameState() {
        LocalState s = new LocalState("m", 4242, null, 50123, "abc123", LocalTarget.Contract.LAMBDA,
                Instant.parse("2026-01-02T03:04:05.678Z"), Instant.parse("2026-01-03T00:00:00Z"),
                dir.resolve("server.log"), Path.of("/models/m"), "python3", 20_000, "ab".repeat(32),
                java.util.Map.of("ECHO_VERSION", "2"), new LocalState.Version("old456", Path.of("/models/old"),
                java.util.Map.of("ECHO_VERSION", "1"), 15_000, LocalTarget.Contract.SAGEMAKER, "python3.11"));
        s.write(dir);

        LocalState read = LocalState.read(dir).orElseThrow();
        assertEquals(s, read);
        assertEquals("old456", read.previous().specHash());
        assertFalse(read.toString().contains("ECHO_VERSION"), "the environment stays out of logs");
    }

    @Test
    void read_whenWrittenWithoutEnvironmentOrPrevious_hasNeither() {
        state(null).write(dir);

        LocalState read = LocalState.read(dir).orElseThrow();
        assertEquals(null, read.environment());
        assertEquals(null, read.previous());
    }

    @Test
    void writeThenRead_whenStartInstantUnknown_keepsItUnknown() {
        LocalState s = state(null);
        s.write(dir);

        assertEquals(s, LocalState.read(dir).orElseThrow());
    }

    @Test
    void read_whenNoStateFile_isEmpty() {
        assertTrue(LocalState.read(dir).isEmpty());
        assertTrue(LocalState.read(dir.resolve("absent")).isEmpty());
    }

    @Test
    void read_whenDamaged_throwsSayingHowToRecover() throws IOException {
        Files.writeString(dir.resolve(LocalState.FILE), "{\"name\": \"m\", \"pid\": \"x\"");

        MlDeployException e = assertThrows(MlDeployException.class, () -> LocalState.read(dir));

        assertTrue(e.getMessage().contains("damaged") && e.getMessage().contains("undeploy"), e.getMessage());
    }

    @Test
    void read_whenTruncated_stillTellsThePidAndStartItRecorded() throws IOException {
        LocalState s = state(Instant.parse("2026-01-03T00:00:00.12Z"));
        String json = s.toJson();
        Files.writeString(dir.resolve(LocalState.FILE), json.substring(0, json.indexOf("\"specHash\"")));

        LocalState.DamagedStateException e = assertThrows(LocalState.DamagedStateException.class,
                () -> LocalState.read(dir));

        assertEquals(4242, e.pid());
        assertEquals(Instant.parse("2026-01-03T00:00:00.12Z"), e.processStart());
    }

    @Test
    void read_whenFormatUnknownOrTypesWrong_isDamagedSayingWhy() throws IOException {
        String json = state(null).toJson();
        for (String[] c : new String[][] {
                {json.replace("\"format\" : 2", "\"format\" : 3").replace("\"format\": 2", "\"format\": 3"),
                        "format 3"},
                {json.replace("\"format\" : 2", "\"format\" : 1").replace("\"format\": 2", "\"format\": 1"),
                        "earlier"},
                {json.replace("\"python3\"", "7"), "'python' is not a string"},
                {json.replace("50123", "70000"), "not a port"},
                {"[1, 2]", "damaged"},
                {"\u0000\u0001", "damaged"}}) {
            Files.writeString(dir.resolve(LocalState.FILE), c[0]);

            LocalState.DamagedStateException e = assertThrows(LocalState.DamagedStateException.class,
                    () -> LocalState.read(dir), c[1]);

            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void write_isOwnerOnlyAndHidesTheTokenFromToString() throws IOException {
        LocalState s = state(null);
        s.write(dir);

        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(LocalState.FILE))));
        assertFalse(s.toString().contains(s.token()), s.toString());
    }
}
