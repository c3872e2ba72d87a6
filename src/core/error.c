/* error.c -- status messages, error records, library message handler. */
#include "core/util.h"
#include "rhaz.h"

#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* GSL's default error handler aborts the process.  The library checks the
 * status of every GSL call itself, so the handler is switched off once,
 * when librhaz.so is loaded (or, linked statically, when the program
 * starts: this file is always linked, every error path uses it), instead
 * of being switched off and back around single calls -- which no second
 * thread could rely on.  A program that sets a handler of its own later
 * also receives the GSL errors met inside librhaz. */
__attribute__((constructor)) static void gsl_handler_off(void)
{
    gsl_set_error_handler_off();
}

const char *rhaz_version(void) { return RHAZ_VERSION; }

static const char *const status_msg[RHAZ_NSTATUS] = {
    [RHAZ_OK] = "success",
    [RHAZ_ENOMEM] = "out of memory or size limit exceeded",
    [RHAZ_EIO] = "input/output error",
    [RHAZ_EPARSE] = "parse error",
    [RHAZ_EINVAL] = "invalid argument",
    [RHAZ_EDATA] = "unusable data",
    [RHAZ_ENOTFOUND] = "not found",
    [RHAZ_ENOCONV] = "did not converge",
    [RHAZ_ESING] = "singular or non-finite numerical problem",
    [RHAZ_EUSAGE] = "usage error",
};

const char *rhaz_strerror(rhaz_status status)
{
    if ((int)status < 0 || status >= RHAZ_NSTATUS)
        return "unknown status";
    return status_msg[status];
}

void rhaz_error_clear(rhaz_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

rhaz_status rhaz_error_set(rhaz_error *err, rhaz_status status,
                           const char *file, long line, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = 0;
    err->row = 0;
    err->what[0] = '\0';
    err->option[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* keep messages on one line */
    for (char *c = err->msg; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    return status;
}

void rhaz_error_format(const rhaz_error *err, char *buf, size_t size)
{
    if (!err || !size)
        return;
    const char *msg = err->msg[0] ? err->msg : rhaz_strerror(err->status);
    if (err->file[0] && err->line > 0)
        snprintf(buf, size, "%s:%ld: %s", err->file, err->line, msg);
    else if (err->file[0])
        snprintf(buf, size, "%s: %s", err->file, msg);
    else
        snprintf(buf, size, "%s", msg);
}

rhaz_status core_error_row(rhaz_error *err, rhaz_status status, size_t row,
                           const char *fmt, ...)
{
    if (!err)
        return status;
    char buf[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rhaz_error_set(err, status, NULL, 0, "%s", buf);
    err->row = (long)row;
    return status;
}

rhaz_status core_error_opt(rhaz_error *err, rhaz_status status, const char *option,
                           const char *fmt, ...)
{
    if (!err)
        return status;
    char buf[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rhaz_error_set(err, status, NULL, 0, "%s", buf);
    core_error_option(err, option);
    return status;
}

rhaz_status core_error_option(rhaz_error *err, const char *option)
{
    if (!err)
        return RHAZ_OK;
    snprintf(err->option, sizeof err->option, "%s", option ? option : "");
    return err->status;
}

/* One handler per thread: a second thread neither sees nor replaces the
 * handler of the first (C11 _Thread_local). */
static _Thread_local rhaz_message_fn msg_fn;
static _Thread_local void *msg_ctx;

void rhaz_set_message_handler(rhaz_message_fn fn, void *ctx)
{
    msg_fn = fn;
    msg_ctx = ctx;
}

static void vmessage(rhaz_message_fn fn, void *ctx, const char *fmt, va_list ap)
{
    if (!fn) {
        fn = msg_fn;
        ctx = msg_ctx;
    }
    if (!fn)
        return;
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fn(buf, ctx);
}

void core_message(rhaz_message_fn fn, void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fn, ctx, fmt, ap);
    va_end(ap);
}

void rhaz_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(NULL, NULL, fmt, ap);
    va_end(ap);
}
