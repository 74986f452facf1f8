noinst_LIBRARIES += common/libcommon.a
common_libcommon_a_SOURCES = \
	common/util.c common/util.h \
	common/date.c common/date.h \
	common/zone.c common/zone.h \
	common/sha256.c common/sha256.h \
	common/utf8.c common/utf8.h \
	common/base64.c common/base64.h
