CREATE TABLE `netbox_objects` (
	`tenant` text NOT NULL,
	`object_type` text NOT NULL,
	`id` integer NOT NULL,
	`timestamp` text NOT NULL,
	`parent` integer,
	`deleted` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`tenant`, `object_type`, `id`)
);
--> statement-breakpoint
CREATE INDEX `netbox_objects_parent` ON `netbox_objects` (`tenant`,`object_type`,`parent`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant` text NOT NULL,
	`kind` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`dedup_key` text NOT NULL,
	`event` text,
	`object` text,
	`outcome` text NOT NULL,
	`reason` text,
	`revision` integer,
	`body` text,
	`headers` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_id` ON `webhook_deliveries` (`tenant`,`kind`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_dedup` ON `webhook_deliveries` (`tenant`,`kind`,`dedup_key`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_list` ON `webhook_deliveries` (`tenant`,`kind`,`seq`);--> statement-breakpoint
CREATE TABLE `webhook_sources` (
	`tenant` text NOT NULL,
	`kind` text NOT NULL,
	`secrets` text NOT NULL,
	`hypervisors` text NOT NULL,
	`enabled` integer NOT NULL,
	PRIMARY KEY(`tenant`, `kind`)
);
