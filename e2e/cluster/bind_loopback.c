/*
 * LD_PRELOAD shim for slurmdbd 22.05, which has no setting for its listen address and always
 * binds the wildcard address. This turns bind(INADDR_ANY) / bind(in6addr_any) into a bind to
 * the loopback address, so the test cluster never listens beyond this machine.
 * Build: gcc -shared -fPIC -O2 -o bind_loopback.so bind_loopback.c -ldl
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	static bind_fn next_bind;
	if (!next_bind)
		next_bind = (bind_fn)dlsym(RTLD_NEXT, "bind");

	if (addr && addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		struct sockaddr_in in4;
		memcpy(&in4, addr, sizeof(in4));
		if (in4.sin_addr.s_addr == htonl(INADDR_ANY)) {
			in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			return next_bind(fd, (const struct sockaddr *)&in4, sizeof(in4));
		}
	} else if (addr && addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 in6;
		memcpy(&in6, addr, sizeof(in6));
		if (memcmp(&in6.sin6_addr, &in6addr_any, sizeof(in6.sin6_addr)) == 0) {
			in6.sin6_addr = in6addr_loopback;
			return next_bind(fd, (const struct sockaddr *)&in6, sizeof(in6));
		}
	}
	return next_bind(fd, addr, len);
}
