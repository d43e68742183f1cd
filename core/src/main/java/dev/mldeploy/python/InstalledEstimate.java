package dev.mldeploy.python;

import dev.mldeploy.PackageSize;

import dev.mldeploy.spi.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An estimate of a model's dependencies when they cannot be resolved for the platform: the sizes of the same
 * distributions as installed for an interpreter on this machine ({@code importlib.metadata}: each distribution's
 * recorded files, byte code left out), following their {@code Requires-Dist} (extras left out). The host's builds
 * are not the platform's, so this is an estimate; distributions the interpreter lacks, or whose files it cannot
 * list (neither a RECORD nor a top_level.txt naming files beside it), are listed as missing, never counted as 0.
 * Hand-written: a short script run by the interpreter, since only it knows its packages.
 */
public final class InstalledEstimate {
    private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)");
    private static final String SCRIPT = String.join("\n",
            "import sys, json, re, importlib.metadata as md",
            "def norm(n): return re.sub(r'[-_.]+', '-', n).lower()",
            "stack = [norm(n) for n in json.loads(sys.argv[1])]",
            "seen = {}; missing = []; unmeasured = []",
            "def tree(p):",
            "    if p.is_file(): return p.stat().st_size",
            "    return sum(f.stat().st_size for f in p.rglob('*') if f.is_file() and '__pycache__' not in f.parts)",
            "def tops(d):",
            "    # no file list (Debian's egg-info): the top-level modules it names, next to its metadata",
            "    names = (d.read_text('top_level.txt') or '').split()",
            "    base = d.locate_file('')",
            "    total = 0",
            "    for t in names:",
            "        for p in [base / t, base / (t + '.py')] + list(base.glob(t + '.*.so')):",
            "            if p.exists(): total += tree(p)",
            "    return total",
            "while stack:",
            "    n = stack.pop()",
            "    if n in seen or n in missing or n in unmeasured: continue",
            "    try: d = md.distribution(n)",
            "    except md.PackageNotFoundError: missing.append(n); continue",
            "    size = 0",
            "    for f in d.files or []:",
            "        s = str(f)",
            "        if '__pycache__' in s or s.endswith('.pyc'): continue",
            "        try: size += f.locate().stat().st_size",
            "        except OSError: pass",
            "    if size == 0:",
            "        size = tops(d)",
            "    if size == 0: unmeasured.append(n)",
            "    else: seen[n] = {'name': d.metadata['Name'] or n, 'version': d.version or '', 'bytes': size}",
            "    for r in d.requires or []:",
            "        if 'extra ==' in r: continue",
            "        m = re.match(r'\\s*([A-Za-z0-9][A-Za-z0-9._-]*)', r)",
            "        if m: stack.append(norm(m.group(1)))",
            "print('MLDEPLOY-ESTIMATE ' + json.dumps({'packages': list(seen.values()),",
            "      'missing': sorted(missing + unmeasured)}))");

    /**
     * The estimate.
     *
     * @param interpreter what was asked
     * @param totalBytes  the bytes of {@code packages}
     * @param packages    the distributions found, largest first
     * @param missing     names the interpreter does not have or cannot measure (normalized), sorted
     */
    public record Estimate(String interpreter, long totalBytes, List<PackageSize> packages, List<String> missing) {
        public Estimate {
            Objects.requireNonNull(interpreter, "interpreter");
            packages = packages.stream().sorted(PackageSize.LARGEST_FIRST).toList();
            missing = List.copyOf(missing);
        }
    }

    private final Pip pip;

    public InstalledEstimate(Pip pip) {
        this.pip = Objects.requireNonNull(pip, "pip");
    }

    /**
     * Estimates {@code requirements} from the interpreter's installed distributions; empty when the interpreter
     * cannot be run or answers nothing usable.
     */
    public Optional<Estimate> estimate(Requirements requirements, Duration timeout) {
        List<String> names = names(requirements);
        List<String> out = new ArrayList<>();
        Pip.Result r;
        try {
            r = pip.run(List.of("-c", SCRIPT, Json.write(names)), Map.of("PYTHONDONTWRITEBYTECODE", "1"), timeout,
                    out::add);
        } catch (DependencyInstallException | dev.mldeploy.OperationTimeoutException e) {
            return Optional.empty();
        }
        if (!r.succeeded()) {
            return Optional.empty();
        }
        for (String line : out) {
            if (line.startsWith("MLDEPLOY-ESTIMATE ")) {
                return Optional.of(parse(line.substring("MLDEPLOY-ESTIMATE ".length())));
            }
        }
        return Optional.empty();
    }

    /** The requirement names of {@code requirements}' lines; option lines ({@code -r}, {@code --index-url}) skipped. */
    static List<String> names(Requirements requirements) {
        List<String> names = new ArrayList<>();
        for (String line : requirements.lines()) {
            if (line.startsWith("-")) {
                continue;
            }
            Matcher m = NAME.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private Estimate parse(String json) {
        Map<String, Object> m = Json.parseObject(json);
        List<PackageSize> packages = new ArrayList<>();
        long total = 0;
        for (Object o : (List<Object>) m.get("packages")) {
            Map<String, Object> p = (Map<String, Object>) o;
            long bytes = ((Number) p.get("bytes")).longValue();
            packages.add(new PackageSize(String.valueOf(p.get("name")), String.valueOf(p.get("version")), bytes));
            total += bytes;
        }
        List<String> missing = ((List<Object>) m.get("missing")).stream().map(String::valueOf).toList();
        return new Estimate(pip.python().toString(), total, packages, missing);
    }
}
