package io.etcdj.benchmark;

/**
 * One accepted command-line flag: its name (without dashes), whether it takes no value (a boolean
 * switch, true when present), its default as text, and its help line.
 */
record Flag(String name, boolean isSwitch, String defaultValue, String help) {
    static Flag value(String name, String defaultValue, String help) {
        return new Flag(name, false, defaultValue, help);
    }

    static Flag flagSwitch(String name, String help) {
        return new Flag(name, true, "false", help);
    }
}
