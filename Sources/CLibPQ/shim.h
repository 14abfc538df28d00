// libpq, PostgreSQL's own C client (Debian: libpq-dev; Homebrew: libpq). pkg-config's `libpq` gives the include path.
#include <libpq-fe.h>
