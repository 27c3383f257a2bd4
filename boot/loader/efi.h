/*
 * boot/loader/efi.h - the part of the UEFI specification the loader uses.
 *
 * Types, tables and protocols as the UEFI 2.x specification lays them out.
 * Function-pointer slots the loader never calls are kept as `void *` so the
 * table offsets stay right without declaring prototypes nobody uses.
 *
 * On x86_64, UEFI uses the Microsoft calling convention while the loader is
 * compiled for the System V ABI, hence EFIAPI on every firmware call; the
 * other three architectures use their standard C ABI for both.
 */
#ifndef LOADER_EFI_H
#define LOADER_EFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#define EFIAPI __attribute__((ms_abi))
#else
#define EFIAPI
#endif

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t char16;
typedef uint64_t efi_physical_address;

#define EFI_ERROR_BIT	      (UINT64_C(1) << 63)
#define EFI_SUCCESS	      UINT64_C(0)
#define EFI_LOAD_ERROR	      (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED	      (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL  (EFI_ERROR_BIT | 5)
#define EFI_OUT_OF_RESOURCES  (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND	      (EFI_ERROR_BIT | 14)

typedef struct {
	uint32_t data1;
	uint16_t data2;
	uint16_t data3;
	uint8_t data4[8];
} efi_guid;

#define EFI_LOADED_IMAGE_PROTOCOL_GUID \
	{ 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID \
	{ 0x964e5b22, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_FILE_INFO_GUID \
	{ 0x09576e92, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID \
	{ 0x9042a9de, 0x23dc, 0x4a38, { 0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a } }
#define EFI_ACPI_20_TABLE_GUID \
	{ 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } }
#define EFI_ACPI_10_TABLE_GUID \
	{ 0xeb9d2d30, 0x2d88, 0x11d3, { 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } }
#define EFI_DTB_TABLE_GUID \
	{ 0xb1b621d5, 0xf19c, 0x41a5, { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } }

typedef struct {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
} efi_table_header;

/* ---- Console output */
typedef struct efi_simple_text_output efi_simple_text_output;
struct efi_simple_text_output {
	efi_status(EFIAPI *reset)(efi_simple_text_output *self, bool extended);
	efi_status(EFIAPI *output_string)(efi_simple_text_output *self, const char16 *s);
	void *test_string, *query_mode, *set_mode, *set_attribute, *clear_screen;
	void *set_cursor_position, *enable_cursor, *mode;
};

/* ---- Memory */
enum efi_allocate_type { EFI_ALLOCATE_ANY_PAGES, EFI_ALLOCATE_MAX_ADDRESS, EFI_ALLOCATE_ADDRESS };

enum efi_memory_type {
	EFI_RESERVED_MEMORY = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_RUNTIME_SERVICES_CODE = 5,
	EFI_RUNTIME_SERVICES_DATA = 6,
	EFI_CONVENTIONAL_MEMORY = 7,
	EFI_UNUSABLE_MEMORY = 8,
	EFI_ACPI_RECLAIM_MEMORY = 9,
	EFI_ACPI_MEMORY_NVS = 10,
	EFI_MEMORY_MAPPED_IO = 11,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
	EFI_PAL_CODE = 13,
	EFI_PERSISTENT_MEMORY = 14,
	EFI_UNACCEPTED_MEMORY = 15,
};

/*
 * Memory types 0x80000000 and up are the operating system's to define. The
 * loader tags its allocations with two of them so that, after
 * ExitBootServices, the memory map tells what each page became.
 */
#define KEEL_MEMORY_RECLAIMABLE 0x80000001u /* -> BOOTLOADER_RECLAIMABLE */
#define KEEL_MEMORY_KERNEL	0x80000002u /* -> KERNEL_AND_MODULES */

typedef struct {
	uint32_t type;
	uint32_t pad;
	efi_physical_address physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;
	uint64_t attribute;
} efi_memory_descriptor;

/* ---- Boot services */
typedef struct {
	efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	efi_status(EFIAPI *allocate_pages)(enum efi_allocate_type type, uint32_t memory_type,
					   uint64_t pages, efi_physical_address *memory);
	efi_status(EFIAPI *free_pages)(efi_physical_address memory, uint64_t pages);
	efi_status(EFIAPI *get_memory_map)(uint64_t *map_size, efi_memory_descriptor *map,
					   uint64_t *map_key, uint64_t *descriptor_size,
					   uint32_t *descriptor_version);
	efi_status(EFIAPI *allocate_pool)(uint32_t pool_type, uint64_t size, void **buffer);
	efi_status(EFIAPI *free_pool)(void *buffer);
	void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface;
	void *uninstall_protocol_interface;
	efi_status(EFIAPI *handle_protocol)(efi_handle handle, const efi_guid *protocol,
					    void **interface);
	void *reserved, *register_protocol_notify, *locate_handle, *locate_device_path;
	void *install_configuration_table, *load_image, *start_image;
	efi_status(EFIAPI *exit)(efi_handle image, efi_status status, uint64_t data_size,
				 char16 *data);
	void *unload_image;
	efi_status(EFIAPI *exit_boot_services)(efi_handle image, uint64_t map_key);
	void *get_next_monotonic_count;
	efi_status(EFIAPI *stall)(uint64_t microseconds);
	efi_status(EFIAPI *set_watchdog_timer)(uint64_t timeout, uint64_t code, uint64_t size,
					       const char16 *data);
	void *connect_controller, *disconnect_controller, *open_protocol, *close_protocol;
	void *open_protocol_information, *protocols_per_handle, *locate_handle_buffer;
	efi_status(EFIAPI *locate_protocol)(const efi_guid *protocol, void *registration,
					    void **interface);
} efi_boot_services;

/* ---- Runtime services */
typedef struct {
	uint16_t year;
	uint8_t month, day, hour, minute, second, pad1;
	uint32_t nanosecond;
	int16_t time_zone;
	uint8_t daylight, pad2;
} efi_time;

enum efi_reset_type { EFI_RESET_COLD, EFI_RESET_WARM, EFI_RESET_SHUTDOWN };

typedef struct {
	efi_table_header hdr;
	efi_status(EFIAPI *get_time)(efi_time *time, void *capabilities);
	void *set_time, *get_wakeup_time, *set_wakeup_time, *set_virtual_address_map;
	void *convert_pointer, *get_variable, *get_next_variable_name, *set_variable;
	void *get_next_high_monotonic_count;
	void(EFIAPI *reset_system)(enum efi_reset_type type, efi_status status, uint64_t size,
				   const void *data);
} efi_runtime_services;

typedef struct {
	efi_guid vendor_guid;
	void *vendor_table;
} efi_configuration_table;

typedef struct {
	efi_table_header hdr;
	char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	void *con_in;
	efi_handle console_out_handle;
	efi_simple_text_output *con_out;
	efi_handle standard_error_handle;
	efi_simple_text_output *std_err;
	efi_runtime_services *runtime_services;
	efi_boot_services *boot_services;
	uint64_t number_of_table_entries;
	efi_configuration_table *configuration_table;
} efi_system_table;

/* ---- Loaded image */
typedef struct {
	uint32_t revision;
	efi_handle parent_handle;
	efi_system_table *system_table;
	efi_handle device_handle;
	void *file_path;
	void *reserved;
	uint32_t load_options_size;
	void *load_options;
	void *image_base;
	uint64_t image_size;
	uint32_t image_code_type;
	uint32_t image_data_type;
	void *unload;
} efi_loaded_image;

/* ---- Files */
#define EFI_FILE_MODE_READ UINT64_C(1)

typedef struct efi_file efi_file;
struct efi_file {
	uint64_t revision;
	efi_status(EFIAPI *open)(efi_file *self, efi_file **new_handle, const char16 *name,
				 uint64_t mode, uint64_t attributes);
	efi_status(EFIAPI *close)(efi_file *self);
	void *delete_file;
	efi_status(EFIAPI *read)(efi_file *self, uint64_t *size, void *buffer);
	void *write, *get_position, *set_position;
	efi_status(EFIAPI *get_info)(efi_file *self, const efi_guid *type, uint64_t *size,
				     void *buffer);
	void *set_info, *flush;
};

typedef struct {
	uint64_t size;
	uint64_t file_size;
	uint64_t physical_size;
	efi_time create_time, last_access_time, modification_time;
	uint64_t attribute;
	char16 file_name[];
} efi_file_info;

typedef struct efi_simple_file_system efi_simple_file_system;
struct efi_simple_file_system {
	uint64_t revision;
	efi_status(EFIAPI *open_volume)(efi_simple_file_system *self, efi_file **root);
};

/* ---- Graphics output (the framebuffer) */
enum efi_pixel_format {
	EFI_PIXEL_RGBX_8BPC,
	EFI_PIXEL_BGRX_8BPC,
	EFI_PIXEL_BIT_MASK,
	EFI_PIXEL_BLT_ONLY,
};

typedef struct {
	uint32_t version;
	uint32_t horizontal_resolution;
	uint32_t vertical_resolution;
	uint32_t pixel_format; /* enum efi_pixel_format */
	uint32_t red_mask, green_mask, blue_mask, reserved_mask;
	uint32_t pixels_per_scan_line;
} efi_gop_mode_info;

typedef struct {
	uint32_t max_mode;
	uint32_t mode;
	efi_gop_mode_info *info;
	uint64_t size_of_info;
	efi_physical_address frame_buffer_base;
	uint64_t frame_buffer_size;
} efi_gop_mode;

typedef struct {
	void *query_mode, *set_mode, *blt;
	efi_gop_mode *mode;
} efi_graphics_output;

#endif /* LOADER_EFI_H */
