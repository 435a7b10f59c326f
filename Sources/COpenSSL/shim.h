#ifndef SAMTALER_COPENSSL_SHIM_H
#define SAMTALER_COPENSSL_SHIM_H
/* The low-level SHA256_* calls let a fixed-key HMAC start from precomputed pad states. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#endif
