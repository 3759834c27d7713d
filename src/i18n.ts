/**
 * Translations with Fluent (`locales/<locale>.ftl`), loaded once at start.
 *
 * We use `@fluent/bundle` directly rather than grammY's i18n plugin because
 * jobs (auto-close, alerts) translate outside any update context, and the
 * plugin's npm build drags in a Deno shim; the bundle is all we need.
 *
 * @module
 */
import { FluentBundle, FluentNumber, FluentResource, type FluentVariable } from "@fluent/bundle";
import { type Locale, LOCALES } from "./config.ts";

/** Arguments of a message: strings are inserted as given (escape HTML first). */
export type TranslationArgs = Record<string, FluentVariable>;

/** Translates keys into one of the {@link LOCALES}. */
export interface Translator {
  /** The message `key` in `locale`; the key itself when no locale defines it. */
  t(locale: Locale, key: string, args?: TranslationArgs): string;
  /** Whether `locale` defines `key`. */
  has(locale: Locale, key: string): boolean;
  /** Every key `locale` defines. */
  keys(locale: Locale): string[];
}

/** The folder of the `.ftl` files, next to `src/` (also inside a compiled binary). */
export const LOCALES_DIR = new URL("../locales/", import.meta.url);

/** Builds a translator from Fluent sources, one per locale. */
export function createTranslator(sources: Record<Locale, string>): Translator {
  const bundles = new Map<Locale, FluentBundle>();
  const ids = new Map<Locale, string[]>();
  for (const locale of LOCALES) {
    // No Unicode isolation marks: Telegram shows them as stray characters in some clients.
    const bundle = new FluentBundle(locale, { useIsolating: false });
    const resource = new FluentResource(sources[locale]);
    const errors = bundle.addResource(resource);
    if (errors.length) throw new Error(`locales/${locale}.ftl: ${errors[0].message}`);
    bundles.set(locale, bundle);
    ids.set(locale, resource.body.map((entry) => entry.id).filter((id) => !id.startsWith("-")));
  }
  return {
    t(locale, key, args) {
      const bundle = bundles.get(locale)!;
      const message = bundle.getMessage(key);
      if (!message?.value) return key;
      return bundle.formatPattern(message.value, args && plainNumbers(args));
    },
    has: (locale, key) => bundles.get(locale)!.hasMessage(key),
    keys: (locale) => [...ids.get(locale)!],
  };
}

/**
 * Fluent formats numbers for the locale ("12,345"); ticket and user ids must
 * stay as typed ("#12345"), so numbers go in without grouping. Plural
 * selection still sees a number.
 */
function plainNumbers(args: TranslationArgs): TranslationArgs {
  const result: TranslationArgs = {};
  for (const [name, value] of Object.entries(args)) {
    result[name] = typeof value === "number"
      ? new FluentNumber(value, { useGrouping: false })
      : value;
  }
  return result;
}

/** Loads `locales/*.ftl` from {@link LOCALES_DIR}. */
export function loadTranslator(dir: URL = LOCALES_DIR): Translator {
  const sources = {} as Record<Locale, string>;
  for (const locale of LOCALES) {
    sources[locale] = Deno.readTextFileSync(new URL(`${locale}.ftl`, dir));
  }
  return createTranslator(sources);
}

/** The locale for a Telegram `language_code`: ru or en when it is one of them, else the default. */
export function pickLocale(languageCode: string | undefined, fallback: Locale): Locale {
  const base = languageCode?.toLowerCase().split("-")[0];
  return (LOCALES as readonly string[]).includes(base ?? "") ? base as Locale : fallback;
}

/** The language a user reads: their choice, else their Telegram language, else the default. */
export function userLocale(
  user: { locale?: Locale; languageCode?: string } | null | undefined,
  fallback: Locale,
): Locale {
  return user?.locale ?? pickLocale(user?.languageCode, fallback);
}
