/**
 * grammY's runner and auto-retry plugins load grammY's Node build, which
 * requires Node's deprecated `punycode` module and makes Deno print a
 * deprecation warning at every start. The warning is about a dependency of a
 * dependency and says nothing to a self-hoster, so it is silenced here; this
 * module must be imported before any other.
 *
 * @module
 */
import process from "node:process";

(process as { noDeprecation?: boolean }).noDeprecation = true;
