/** The application version, shown by `--version`, Settings → Info and backups. */
export const APP_VERSION = "0.1.0";
