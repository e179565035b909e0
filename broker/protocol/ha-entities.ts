/**
 * What tells Home Assistant's states apart as RedFlag's (issue 26 §4): the `homeassistant`
 * plugin publishes these as each entity's JSON attributes (`json_attributes_topic`), and the
 * Lovelace card finds the fleet in `hass.states` by them, with no RedFlag token. Entity ids and
 * names are the user's to change in Home Assistant; these attributes are not.
 */

/** Which of a host's entities (the component keys of its device discovery). */
export type HaEntityKind = 'os' | 'container' | 'scan' | 'pending' | 'security' | 'online' | 'reboot';

export interface HaEntityAttributes {
  /** The host's agent id: present on every RedFlag entity, on no other. */
  redflag_host_id: string;
  /** The host's name as RedFlag knows it (HA's friendly_name is the user's to rename). */
  redflag_hostname: string;
  redflag_entity: HaEntityKind;
  /** A container update entity's container name. */
  redflag_container?: string;
}
