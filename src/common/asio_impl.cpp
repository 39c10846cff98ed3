// The one translation unit that compiles Boost.Asio (BOOST_ASIO_SEPARATE_COMPILATION),
// including Asio's OpenSSL layer used by the HTTP client's https:// support.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
