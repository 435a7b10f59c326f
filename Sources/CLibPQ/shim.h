#ifndef SAMTALER_CLIBPQ_SHIM_H
#define SAMTALER_CLIBPQ_SHIM_H
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#elif __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
#else
#error "libpq-fe.h not found: install libpq-dev (apt-get install -y libpq-dev pkgconf)"
#endif

/* PG_DIAG_* are char literals that Swift cannot import. */
static const int samtaler_PG_DIAG_SEVERITY_NONLOCALIZED = 'V';
static const int samtaler_PG_DIAG_SQLSTATE = 'C';
static const int samtaler_PG_DIAG_MESSAGE_PRIMARY = 'M';
static const int samtaler_PG_DIAG_MESSAGE_DETAIL = 'D';
static const int samtaler_PG_DIAG_MESSAGE_HINT = 'H';
static const int samtaler_PG_DIAG_CONSTRAINT_NAME = 'n';
#endif
