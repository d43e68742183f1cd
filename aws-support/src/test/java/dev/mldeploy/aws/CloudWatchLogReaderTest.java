package dev.mldeploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.LogEvent;
import dev.mldeploy.LogQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

class CloudWatchLogReaderTest {
    private static final Instant T0 = Instant.parse("2026-12-01T17:00:00Z");
    private final CloudWatchLogsClient logs = mock(CloudWatchLogsClient.class);

    private static FilteredLogEvent event(int i, String message) {
        return FilteredLogEvent.builder().eventId("id" + i).timestamp(T0.toEpochMilli() + i).logStreamName("s")
                .message(message).build();
    }

    @Test
    void read_pagesToTheEnd_keepingTheNewestLimitOldestFirst_fromTheQuerysStart() {
        when(logs.filterLogEvents(any(FilterLogEventsRequest.class))).thenReturn(
                FilterLogEventsResponse.builder().events(event(1, "a\n"), event(2, "b")).nextToken("t2").build(),
                FilterLogEventsResponse.builder().events(event(3, "c")).build());
        LogQuery q = new LogQuery(T0, 2, Duration.ofSeconds(10));

        Optional<List<LogEvent>> read = new CloudWatchLogReader(logs).read("/aws/lambda/f", q);

        assertEquals(List.of("b", "c"), read.orElseThrow().stream().map(LogEvent::message).toList());
        assertEquals("id2", read.get().get(0).id());
        ArgumentCaptor<FilterLogEventsRequest> r = ArgumentCaptor.forClass(FilterLogEventsRequest.class);
        verify(logs, times(2)).filterLogEvents(r.capture());
        assertEquals("/aws/lambda/f", r.getAllValues().get(0).logGroupName());
        assertEquals(T0.toEpochMilli(), r.getAllValues().get(0).startTime());
        assertEquals(2, r.getAllValues().get(0).limit());
        assertEquals(null, r.getAllValues().get(0).nextToken());
        assertEquals("t2", r.getAllValues().get(1).nextToken());
        assertTrue(r.getAllValues().get(0).overrideConfiguration().orElseThrow().apiCallTimeout().isPresent());
    }

    @Test
    void read_ofAMissingGroup_isEmpty() {
        when(logs.filterLogEvents(any(FilterLogEventsRequest.class)))
                .thenThrow(ResourceNotFoundException.builder().message("group not found").build());

        assertEquals(Optional.empty(), new CloudWatchLogReader(logs).read("/aws/lambda/f",
                LogQuery.last(Duration.ofMinutes(1))));
    }

    @Test
    void failureNote_quotesTheLastLinesIndented_cuttingLongOnes() {
        String longLine = "x".repeat(CloudWatchLogReader.MAX_QUOTED_LINE + 10);
        when(logs.filterLogEvents(any(FilterLogEventsRequest.class))).thenReturn(FilterLogEventsResponse.builder()
                .events(event(1, "Traceback"), event(2, longLine)).build());

        String note = new CloudWatchLogReader(logs).failureNote("/aws/sagemaker/Endpoints/e", T0);

        String nl = System.lineSeparator();
        assertEquals("; the last 2 lines of its log (/aws/sagemaker/Endpoints/e):" + nl + "    Traceback" + nl
                + "    " + "x".repeat(CloudWatchLogReader.MAX_QUOTED_LINE) + " [...]", note);
        ArgumentCaptor<FilterLogEventsRequest> r = ArgumentCaptor.forClass(FilterLogEventsRequest.class);
        verify(logs).filterLogEvents(r.capture());
        assertEquals(CloudWatchLogReader.FAILURE_LINES, r.getValue().limit());
    }

    @Test
    void failureNote_whenTheLogCannotBeRead_saysSo_insteadOfThrowing() {
        when(logs.filterLogEvents(any(FilterLogEventsRequest.class)))
                .thenThrow(SdkClientException.create("connection refused"));

        String note = new CloudWatchLogReader(logs).failureNote("/aws/lambda/f", T0);

        assertEquals("; its log /aws/lambda/f could not be read (SdkClientException)", note);
    }

    @Test
    void failureNote_withoutLines_saysTheGroupHasNone() {
        when(logs.filterLogEvents(any(FilterLogEventsRequest.class)))
                .thenReturn(FilterLogEventsResponse.builder().build());

        assertEquals("; its log group /aws/lambda/f has no lines since the deploy began",
                new CloudWatchLogReader(logs).failureNote("/aws/lambda/f", T0));
    }
}
