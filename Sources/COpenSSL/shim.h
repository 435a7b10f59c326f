#ifndef SAMTALER_COPENSSL_SHIM_H
#define SAMTALER_COPENSSL_SHIM_H
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#endif
