// OpenSSL 3 deprecates SHA256_Init/Update/Final for EVP, whose digest context is allocated per use; the log
// hashes every event, so it keeps the context on the stack. Asking for the 1.1.1 API declares them without
// the deprecation attribute.
#define OPENSSL_API_COMPAT 10101
#include <openssl/sha.h>
