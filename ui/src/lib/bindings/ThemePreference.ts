export type ThemePreference = "system" | "light" | "dark";
