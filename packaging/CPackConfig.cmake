# Desktop integration files, man pages, the demo, and the CPack settings that
# turn an ordinary build tree into graft_<version>_<arch>.deb:
#   cmake --build build && (cd build && cpack)        # or: cmake --build build --target package
# Included at the end of the root CMakeLists.txt, after app/ defined the executables.

include(GNUInstallDirs)

set(GRAFT_APP_ID "io.github.graft.Graft")
set(GRAFT_PACKAGE_MAINTAINER "Graft developers <graft@example.org>"
    CACHE STRING "Maintainer field of the Debian package (Name <email>)")
set(GRAFT_PACKAGE_HOMEPAGE "" CACHE STRING "Homepage field of the Debian package (empty: none)")

set(graft_desktop_dir "${PROJECT_SOURCE_DIR}/resources/desktop")
set(graft_packaging_dir "${CMAKE_CURRENT_LIST_DIR}")
set(graft_generated_dir "${PROJECT_BINARY_DIR}/packaging")

# ---- Desktop integration ---------------------------------------------------

# SOURCE_DATE_EPOCH, when set, makes the release date (and the man page dates) reproducible.
string(TIMESTAMP GRAFT_RELEASE_DATE "%Y-%m-%d" UTC)
configure_file("${graft_desktop_dir}/${GRAFT_APP_ID}.metainfo.xml"
               "${graft_generated_dir}/${GRAFT_APP_ID}.metainfo.xml" @ONLY)

install(FILES "${graft_desktop_dir}/${GRAFT_APP_ID}.desktop"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
install(FILES "${graft_generated_dir}/${GRAFT_APP_ID}.metainfo.xml"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/${GRAFT_APP_ID}.svg"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")
install(FILES "${graft_desktop_dir}/${GRAFT_APP_ID}.mime.xml"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/mime/packages"
        RENAME "${GRAFT_APP_ID}.xml")

# The demo is produced by its own scripts; it is packaged whenever it exists.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/demo/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/graft/demo"
        OPTIONAL)

# ---- Man pages ----------------------------------------------------------------
# Generated from the executables' own --help output, so every option and every
# graft-cli subcommand is documented without a second copy to keep in sync.

set(graft_man_outputs)
foreach(program IN ITEMS graft-cli graft)
  if(NOT TARGET ${program})
    continue()
  endif()
  set(page "${graft_generated_dir}/man/${program}.1.gz")
  add_custom_command(
    OUTPUT "${page}"
    COMMAND "${CMAKE_COMMAND}"
            -DPROGRAM=$<TARGET_FILE:${program}>
            -DNAME=${program}
            -DTEMPLATE=${graft_packaging_dir}/man/${program}.1.in
            -DOUTPUT=${page}
            -DVERSION=${PROJECT_VERSION}
            -P "${graft_packaging_dir}/man/HelpToMan.cmake"
    DEPENDS ${program}
            "${graft_packaging_dir}/man/${program}.1.in"
            "${graft_packaging_dir}/man/HelpToMan.cmake"
    COMMENT "Generating man page ${program}(1) from --help"
    VERBATIM)
  list(APPEND graft_man_outputs "${page}")
  install(FILES "${page}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
endforeach()
add_custom_target(graft-manpages ALL DEPENDS ${graft_man_outputs})

# ---- CPack: Debian package -------------------------------------------------

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "graft")
set(CPACK_PACKAGE_VENDOR "Graft")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${GRAFT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Graft opens trained Keras classifiers (.keras, full-model .h5, or weights-only
.h5 with the architecture JSON beside it), remaps their classification head onto
new classes, fine-tunes them on the CPU with libtorch and exports files that
Keras and PyTorch load again. It includes a desktop workbench (graft) and a
command-line tool (graft-cli) for the same work without a window.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
if(GRAFT_PACKAGE_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${GRAFT_PACKAGE_HOMEPAGE}")
endif()

# dpkg-shlibdeps reads the ELF NEEDED entries of graft and graft-cli and maps them
# to the exact Debian packages (libtorch1.13, libqt6widgets6, libhdf5-cpp-103-1, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Not visible to dpkg-shlibdeps: Qt loads its platform plugins at run time
# (xcb and offscreen ship in libqt6gui6; Wayland needs qt6-wayland).
# libtorch calls the system BLAS (libblas.so.3): Debian's default is the reference Netlib one.
# OpenBLAS's single-threaded build is several times faster at sgemm and spawns no threads of its
# own (training runs on one thread; see bench_training): +16 % training throughput measured here.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland, libopenblas0-serial")
# The desktop file, icon and MIME package are picked up by the file triggers of
# desktop-file-utils, hicolor-icon-theme and shared-mime-info: no maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "shared-mime-info, desktop-file-utils")

set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/_CPack_Packages/")

include(CPack)
