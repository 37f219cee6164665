/*
 * elf_check.c — a plugin file is checked before dlopen() maps it: it must
 * be a 64-bit ELF shared object of this machine's byte order whose
 * program headers, section headers and every loadable segment lie inside
 * the file. A truncated .so would otherwise be mapped past its end, and
 * the first touch of a missing page kills the runner with SIGBUS.
 */
#include "core.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Is [off, off + len) inside a file of `size` bytes? */
static int inside(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int fail(char *err, size_t size, const char *path, const char *why)
{
    snprintf(err, size, "cannot load plugin: %s: %s", path, why);
    return -1;
}

int pipe_elf_check(const char *path, char *err, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, size, path, strerror(errno));
    struct stat st;
    Elf64_Ehdr eh;
    int rc = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        rc = fail(err, size, path, "not a regular file");
    else if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
             memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        rc = fail(err, size, path, "not an ELF file (invalid ELF header)");
    else if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
             eh.e_type != ET_DYN || eh.e_phentsize != sizeof(Elf64_Phdr))
        rc = fail(err, size, path, "not a 64-bit little-endian ELF shared object");
    uint64_t fsize = (uint64_t)st.st_size;
    if (rc == 0 && !inside(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), fsize))
        rc = fail(err, size, path, "truncated ELF file (program headers past its end)");
    if (rc == 0 && eh.e_shnum && !inside(eh.e_shoff, (uint64_t)eh.e_shnum * eh.e_shentsize, fsize))
        rc = fail(err, size, path, "truncated ELF file (section headers past its end)");
    for (unsigned i = 0; rc == 0 && i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        off_t at = (off_t)(eh.e_phoff + (uint64_t)i * sizeof ph);
        if (pread(fd, &ph, sizeof ph, at) != (ssize_t)sizeof ph)
            rc = fail(err, size, path, "cannot read its program headers");
        else if ((ph.p_type == PT_LOAD || ph.p_type == PT_DYNAMIC) &&
                 !inside(ph.p_offset, ph.p_filesz, fsize)) {
            char why[160];
            snprintf(why, sizeof why,
                     "truncated ELF file (segment %u needs %llu bytes, the file has %llu)", i,
                     (unsigned long long)(ph.p_offset + ph.p_filesz), (unsigned long long)fsize);
            rc = fail(err, size, path, why);
        }
    }
    close(fd);
    return rc;
}
