package dev.wisp.bench.load;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Draws a flame graph as one SVG file from the text of {@code perf script} (samples taken with
 * {@code perf record -g}; Java frames are named when the JVM wrote its perf map, {@code -XX:+DumpPerfMapAtExit}),
 * or, with {@code --collapsed}, from folded stacks such as async-profiler's {@code collapsed} output, which walks
 * virtual threads' Java frames where perf's frame-pointer walk loses them. Each box is a frame, as wide as the
 * share of samples it was on the stack for; callers below, callees above. Hovering a box shows its name and share.
 * The folded stacks (one line per distinct stack, with its count, the format other flame graph tools read) can be
 * printed instead with {@code --folded}.
 *
 * <p>Usage: {@code perf script -i perf.data | FlameGraph [--folded] [TITLE] > out.svg}, or
 * {@code FlameGraph --collapsed [TITLE] < profile.collapsed > out.svg}.
 */
public final class FlameGraph {
    private static final int WIDTH = 1600;
    private static final int ROW = 16;
    private static final double MIN_WIDTH = 0.5;
    /** A Java frame as folded stacks name it: package.Class.method, with $ for nested and hidden classes. */
    private static final Pattern JAVA_METHOD = Pattern.compile("([\\w$]+\\.)+[\\w$<>]+");

    /** A frame in the merged call tree, with the samples under it. */
    private static final class Node {
        final Map<String, Node> children = new TreeMap<>();
        long samples;
    }

    private FlameGraph() {
    }

    public static void main(String[] args) throws IOException {
        boolean folded = args.length > 0 && args[0].equals("--folded");
        boolean collapsed = args.length > 0 && args[0].equals("--collapsed");
        int titleIndex = folded || collapsed ? 1 : 0;
        String title = args.length > titleIndex ? args[titleIndex] : "CPU flame graph";
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        Map<String, Long> stacks = collapsed ? readCollapsed(in) : readStacks(in);
        PrintStream out = new PrintStream(System.out, false, UTF_8);
        if (folded) {
            stacks.forEach((stack, count) -> out.println(stack + " " + count));
        } else {
            writeSvg(out, title, tree(stacks));
        }
        out.flush();
    }

    /** Folds perf script's samples: one entry per distinct stack, root first, frames joined with ';'. */
    private static Map<String, Long> readStacks(BufferedReader in) throws IOException {
        Map<String, Long> stacks = new TreeMap<>();
        List<String> frames = new ArrayList<>();
        String thread = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                if (thread != null) {
                    Collections.reverse(frames);
                    frames.addFirst(thread);
                    stacks.merge(String.join(";", frames), 1L, Long::sum);
                }
                frames.clear();
                thread = null;
            } else if (!Character.isWhitespace(line.charAt(0))) {
                thread = threadGroup(line);
            } else if (thread != null) {
                frames.add(frameName(line.strip()));
            }
        }
        return stacks;
    }

    /**
     * Reads folded stacks ("root;...;leaf count" per line). async-profiler marks a frame's kind with a suffix:
     * {@code _[k]} kernel, {@code _[j]} compiled Java, {@code _[i]} inlined Java, {@code _[0]} interpreted,
     * {@code _[1]} C1-compiled; kernel frames keep theirs, for their colour, and Java frames lose it.
     */
    private static Map<String, Long> readCollapsed(BufferedReader in) throws IOException {
        Map<String, Long> stacks = new TreeMap<>();
        String line;
        while ((line = in.readLine()) != null) {
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (String frame : line.substring(0, space).split(";")) {
                frames.add(frame.replaceFirst("_\\[[ji01]\\]$", "").replace('/', '.'));
            }
            stacks.merge(String.join(";", frames), Long.parseLong(line.substring(space + 1).strip()), Long::sum);
        }
        return stacks;
    }

    /** The sample header's command name, with numbered threads of one kind folded together. */
    private static String threadGroup(String header) {
        String command = header.split("\\s+\\d+", 2)[0].strip();
        return command.replaceAll("[#-]?\\d+$", "").replace(';', ':');
    }

    /** "ffffffff81000000 name+0x1f (module)" -> "name". */
    private static String frameName(String line) {
        int space = line.indexOf(' ');
        String rest = space < 0 ? line : line.substring(space + 1);
        int module = rest.lastIndexOf(" (");
        if (module > 0) {
            rest = rest.substring(0, module);
        }
        int offset = rest.lastIndexOf("+0x");
        if (offset > 0) {
            rest = rest.substring(0, offset);
        }
        return rest.isEmpty() || rest.equals("[unknown]") ? "[unknown]" : rest.replace(';', ':');
    }

    private static Node tree(Map<String, Long> stacks) {
        Node root = new Node();
        stacks.forEach((stack, count) -> {
            Node node = root;
            root.samples += count;
            for (String frame : stack.split(";")) {
                node = node.children.computeIfAbsent(frame, f -> new Node());
                node.samples += count;
            }
        });
        return root;
    }

    private static void writeSvg(PrintStream out, String title, Node root) {
        int depth = depth(root);
        int height = (depth + 3) * ROW;
        out.printf("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"monospace\""
                + " font-size=\"11\">%n", WIDTH, height);
        out.printf("<text x=\"%d\" y=\"%d\" font-size=\"14\">%s (%d samples)</text>%n", 10, ROW, escape(title),
                root.samples);
        draw(out, root, "all", 0, WIDTH, height - 2 * ROW, root.samples);
        out.println("</svg>");
    }

    private static void draw(PrintStream out, Node node, String name, double x, double width, int y, long total) {
        if (width < MIN_WIDTH) {
            return;
        }
        double percent = 100.0 * node.samples / total;
        out.printf("<g><title>%s (%.2f%%, %d samples)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                + " fill=\"%s\" rx=\"2\"/>", escape(name), percent, node.samples, x, y, width, ROW - 1, color(name));
        int chars = (int) (width / 7);
        if (chars >= 3) {
            String label = name.length() <= chars ? name : name.substring(0, Math.max(1, chars - 2)) + "..";
            out.printf("<text x=\"%.1f\" y=\"%d\">%s</text>", x + 3, y + ROW - 4, escape(label));
        }
        out.println("</g>");
        double childX = x;
        for (Map.Entry<String, Node> child : node.children.entrySet()) {
            double childWidth = width * child.getValue().samples / node.samples;
            draw(out, child.getValue(), child.getKey(), childX, childWidth, y - ROW, total);
            childX += childWidth;
        }
    }

    private static int depth(Node node) {
        int deepest = 0;
        for (Node child : node.children.values()) {
            deepest = Math.max(deepest, depth(child));
        }
        return deepest + 1;
    }

    /** Kernel frames orange, Java and JDK frames green, the JVM's own yellow, the rest red. */
    private static String color(String name) {
        int shade = Math.floorMod(name.hashCode(), 60);
        if (name.endsWith("_[k]")) {
            return "rgb(240," + (130 + shade) + ",50)";
        }
        if (name.contains(".") && (name.contains("(") || name.startsWith("L") || JAVA_METHOD.matcher(name).matches())) {
            return "rgb(" + (60 + shade) + "," + (180 + shade / 2) + ",80)";
        }
        if (name.contains("::") || name.startsWith("Stub") || name.equals("Interpreter")) {
            return "rgb(220," + (190 + shade / 2) + ",60)";
        }
        if (name.startsWith("__") || name.startsWith("do_") || name.startsWith("tcp_") || name.startsWith("sys_")
                || name.startsWith("entry_") || name.startsWith("ep_") || name.startsWith("sock_")) {
            return "rgb(240," + (130 + shade) + ",50)";
        }
        return "rgb(230," + (80 + shade) + ",70)";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
