# Sourced by scripts/test.sh: makes sure the site test that checks the EPUB
# (tests/site/epub.test.ts) has EPUBCheck, which is Java. Debian's epubcheck
# package (it brings a Java runtime) is installed here when we are root (CI,
# fresh machines); otherwise that test fails and says how to get it.
# Debian installs the jar as /usr/bin/epubcheck, which runs only where the
# kernel is set up to run jars, so the test calls java -jar on it.

if [ ! -f "${EPUBCHECK_JAR:-/usr/share/java/epubcheck.jar}" ] || ! command -v java >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-epubcheck: no EPUBCheck; installing Debian's epubcheck" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends epubcheck >/dev/null; } || return 1
  else
    echo 'ensure-epubcheck: no EPUBCheck. Run "sudo apt-get install epubcheck" (or set EPUBCHECK_JAR' >&2
    echo '  to an epubcheck.jar); until then the EPUB test fails and says so.' >&2
  fi
fi
