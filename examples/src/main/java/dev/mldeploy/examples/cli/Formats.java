package dev.mldeploy.examples.cli;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostItem;
import dev.mldeploy.PlacementDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns results into the maps printed as JSON and into text for people. */
final class Formats {
    private Formats() {
    }

    static Map<String, Object> deployment(Deployment d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("target", d.target());
        m.put("variant", d.variant());
        m.put("status", d.status());
        m.put("statusReason", d.statusReason());
        m.put("endpoint", d.endpoint());
        m.put("httpEndpoint", d.httpUrl().orElse(null));
        m.put("specHash", d.specHash());
        m.put("createdAt", d.created().map(Instant::toString).orElse(null));
        m.put("updatedAt", d.updated().map(Instant::toString).orElse(null));
        m.put("attributes", d.attributes());
        return m;
    }

    static Map<String, Object> deployResult(DeployResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("change", r.change());
        m.put("message", r.message());
        m.put("deployment", deployment(r.deployment()));
        m.put("placement", r.placementDecision().map(p -> placement(p, p.chosen())).orElse(null));
        return m;
    }

    /**
     * The plan as one object: {@code target} (the chosen target's name, or null), {@code variant}, and
     * {@code targets}, one entry per candidate: name, variant, feasible, reasons, monthlyCostUsd, costItems.
     */
    static Map<String, Object> placement(PlacementDecision decision, Optional<CandidateEvaluation> chosen) {
        CandidateEvaluation c = chosen.orElse(null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", c == null ? null : c.target());
        m.put("variant", c == null ? null : c.variant());
        List<Object> targets = new ArrayList<>();
        for (CandidateEvaluation e : decision.candidates()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", e.target());
            t.put("variant", e.variant());
            t.put("chosen", e == c);
            t.put("feasible", e.feasible());
            t.put("reasons", e.reasons());
            t.put("monthlyCostUsd", e.cost().totalUsd());
            List<Object> items = new ArrayList<>();
            for (CostItem item : e.cost().items()) {
                Map<String, Object> i = new LinkedHashMap<>();
                i.put("name", item.name());
                i.put("usd", item.usd());
                items.add(i);
            }
            t.put("costItems", items);
            t.put("notes", e.notes());
            t.put("settings", e.settings());
            targets.add(t);
        }
        m.put("targets", targets);
        m.put("explanation", decision.explanation());
        return m;
    }

    /** A table of every candidate (the chosen one starred), then the checker's explanation with every cost item. */
    static String placementText(PlacementDecision decision, Optional<CandidateEvaluation> chosen) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-11s %-12s %-5s %12s  %s%n", "TARGET", "VARIANT", "FITS", "USD/MONTH", "WHY NOT"));
        for (CandidateEvaluation e : decision.candidates()) {
            sb.append(String.format("%-11s %-12s %-5s %12s  %s", e.target(), e.variant(),
                    e.feasible() ? (chosen.orElse(null) == e ? "yes *" : "yes") : "no",
                    e.cost().totalUsd().toPlainString(), String.join("; ", e.reasons())).stripTrailing())
                    .append(System.lineSeparator());
        }
        chosen.ifPresent(c -> c.notes().stream().filter(n -> !decision.explanation().contains(n))
                .forEach(n -> sb.append("note on ").append(c.name()).append(": ").append(n)
                        .append(System.lineSeparator())));
        sb.append(System.lineSeparator()).append(decision.explanation());
        return sb.toString();
    }

    static String deploymentText(Deployment d) {
        StringBuilder sb = new StringBuilder();
        line(sb, "name", d.name());
        line(sb, "target", d.target());
        line(sb, "variant", d.variant());
        line(sb, "status", d.status() + (d.statusReason().isEmpty() ? "" : " (" + d.statusReason() + ")"));
        line(sb, "endpoint", d.endpoint());
        d.httpUrl().ifPresent(url -> line(sb, "http", "POST " + url));
        line(sb, "spec hash", d.specHash());
        d.created().ifPresent(t -> line(sb, "created", t.toString()));
        d.updated().ifPresent(t -> line(sb, "updated", t.toString()));
        d.attributes().forEach((k, v) -> {
            if (!k.equals("alarms")) {
                line(sb, k, v);
            }
        });
        // one line per alarm, with its state: "mldeploy-lambda-x-error-rate (OK)"
        String alarms = d.attributes().get("alarms");
        if (alarms != null) {
            for (String a : alarms.split(",")) {
                line(sb, "alarm", a.trim());
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format("%-15s %s%n", key + ":", value));
    }
}
