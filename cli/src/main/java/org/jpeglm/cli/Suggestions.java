package org.jpeglm.cli;

import java.util.List;

/**
 * The names a mistyped one was most likely meant to be: those fewest edits away (insertions, deletions,
 * substitutions and swaps of neighbours, so "--tmep" finds "--temp"), at most 2 edits and fewer than a third of
 * the name. picocli suggests only names sharing the first two letters, which misses most typos.
 */
final class Suggestions {
    private Suggestions() {}

    /** The names nearest to typed (at most 3, all as near), or none when nothing is near enough. */
    static List<String> nearest(String typed, List<String> names) {
        int most = Math.min(2, (typed.replaceFirst("^-+", "").length() - 1) / 3 + 1);
        int best = names.stream().mapToInt(name -> distance(typed, name)).min().orElse(Integer.MAX_VALUE);
        if (best > most) {
            return List.of();
        }
        return names.stream()
                .distinct()
                .filter(name -> distance(typed, name) == best)
                .limit(3)
                .toList();
    }

    /** Optimal string alignment distance: Levenshtein's, with a swap of neighbouring letters as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
